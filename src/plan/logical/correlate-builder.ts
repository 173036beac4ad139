import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import { withNullable } from '../../types/data-type.ts';
import { Schema, type Column } from '../../types/schema.ts';
import type { FunctionDefinition, UdfArg, UdfProgram } from '../../udf/function-definition.ts';
import { tableColumnsOf } from '../../udf/table-function.ts';
import type { CorrelateJoinType, LogicalCorrelate } from './logical-correlate.ts';
import type { LogicalNode } from './logical-node.ts';

/** A resolved table-function call: the function and its arguments bound to the input's columns. */
export interface TableCall {
  readonly fn: FunctionDefinition;
  readonly args: readonly BoundExpression[];
}

/** A lateral join as planned: output = the input's columns, then the function's columns named `columnNames`. */
export interface PlannedCorrelate {
  readonly node: LogicalNode;
  /** Names of the function's columns in `node.schema` (made unique against the input's names). */
  readonly columnNames: readonly string[];
}

/**
 * Plans `input ⋈ LATERAL f(args)` for SQL and the Table API alike. Output = input columns then the function's
 * columns, named `aliases` (or the function's declared names); names that clash with input columns get a suffix
 * (`word0`), the visible names stay with the caller's scope. Arguments that are columns or constants go straight
 * to the function; other expressions (including UDF calls) are computed by a projection below the correlate and
 * dropped by one above it, so the optimizer can split UDFs out of them as usual.
 */
export function planCorrelate(input: LogicalNode, call: TableCall, joinType: CorrelateJoinType, aliases?: readonly string[]): PlannedCorrelate {
  const table = tableColumnsOf(call.fn, 'A lateral table');
  if (aliases && aliases.length !== table.resultNames.length) {
    throw new PlanError(`Table function ${call.fn.name} returns ${table.resultNames.length} column(s) (${table.resultNames.join(', ')}), but ${aliases.length} alias(es) were given (${aliases.join(', ')})`, {
      hint: `Name every result column: AS T(${table.resultNames.join(', ')}).`,
    }, ErrorCodes.PLAN_INVALID);
  }
  const width = input.schema.length;
  const extra: BoundExpression[] = [];
  const argColumns: number[] = [];
  const column = (index: number): UdfArg => {
    let i = argColumns.indexOf(index);
    if (i < 0) { i = argColumns.length; argColumns.push(index); }
    return { col: i };
  };
  const args = call.args.map((a): UdfArg => {
    if (a.kind === 'input') return column(a.index);
    if (a.kind === 'literal' && isWireLiteral(a.value)) return { lit: a.value as string | number | boolean | null, type: a.type };
    extra.push(a);
    return column(width + extra.length - 1);
  });
  const below = extra.length > 0 ? withArgColumns(input, extra) : input;
  const names = uniqueAgainst(below.schema.names, aliases ?? table.resultNames);
  const resultColumns: Column[] = table.resultTypes.map((t, i) => ({ name: names[i], type: joinType === 'left' ? withNullable(t, true) : t }));
  const program: UdfProgram = { language: call.fn.language, argColumns, steps: [{ fn: call.fn, args }], outputs: [0] };
  const correlate: LogicalCorrelate = {
    kind: 'correlate', schema: new Schema([...below.schema.columns, ...resultColumns]), input: below, program, joinType,
  };
  if (extra.length === 0) return { node: correlate, columnNames: names };
  // Drop the computed argument columns again: output = input columns then the function's columns.
  const kept = [...input.schema.columns.map((_, i) => i), ...resultColumns.map((_, k) => below.schema.length + k)];
  const top: LogicalNode = {
    kind: 'project',
    schema: new Schema(kept.map((i) => correlate.schema.columns[i])),
    input: correlate,
    projections: kept.map((i): BoundExpression => ({ kind: 'input', index: i, type: correlate.schema.columns[i].type })),
  };
  return { node: top, columnNames: names };
}

/** A projection of every input column plus `extra` computed columns (`$arg0`, ...). */
function withArgColumns(input: LogicalNode, extra: readonly BoundExpression[]): LogicalNode {
  const identity = input.schema.columns.map((c, index): BoundExpression => ({ kind: 'input', index, type: c.type }));
  const names = uniqueAgainst(input.schema.names, extra.map((_, i) => `$arg${i}`));
  return {
    kind: 'project',
    schema: new Schema([...input.schema.columns, ...extra.map((e, i) => ({ name: names[i], type: e.type }))]),
    input,
    projections: [...identity, ...extra],
  };
}

/** `wanted` with a numeric suffix on every name already in `taken` (or repeated within `wanted`). */
function uniqueAgainst(taken: readonly string[], wanted: readonly string[]): string[] {
  const used = new Set(taken);
  return wanted.map((n) => {
    let name = n;
    for (let i = 0; used.has(name); i++) name = `${n}${i}`;
    used.add(name);
    return name;
  });
}

/** Constants that travel as literal arguments (the rest are computed as columns). */
function isWireLiteral(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}
