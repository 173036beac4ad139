/**
 * The plans of the Table API's grouped aggregations: `table.groupBy(keys).select(...)` (a group aggregate, with
 * retraction) and `table.window(w).groupBy(col('w'), keys).select(...)` (a window aggregation over a group
 * window). As in SQL, a projection below computes the keys and aggregate arguments as columns, the aggregate node
 * reads only columns, and a projection above evaluates the select fields over keys, window properties and aggregate
 * results. A field that reads a column neither grouped nor aggregated is an error.
 */
import { isAggregateFunction, resolveAggregate } from '../aggregate/aggregate-functions.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import type { BoundExpression, Expression } from '../expr/expression.ts';
import { distinctAggregateOf, windowPropertyOf } from '../expr/group-window-markers.ts';
import { formatExpression, resolveExpression } from '../expr/index.ts';
import type { AggregateCall } from '../plan/aggregate-call.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import { projectedColumns } from '../plan/time-attributes.ts';
import { udafArgumentCasts, udafResultType } from '../plan/udaf-calls.ts';
import { windowAggregateSchema } from '../plan/window-schema.ts';
import { WINDOW_END, WINDOW_START, WINDOW_TIME, type TimeDomain, type WindowSpec } from '../plan/window-spec.ts';
import type { DataType } from '../types/data-type.ts';
import { Schema } from '../types/schema.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';
import type { Catalog } from './catalog.ts';
import type { GroupWindow } from './group-window.ts';

/** One aggregate call found in the select fields, before its arguments are columns. */
interface FoundAggregate {
  readonly fn: string;
  readonly args: readonly Expression[];
  readonly distinct: boolean;
  readonly udf?: FunctionDefinition;
}

/**
 * The plan of a grouped select over `input`: `keys` group (without the window alias), `window` (null for a plain
 * GROUP BY), `fields` the select list (expressions with aggregate calls, window properties of `window`, keys).
 */
export function aggregateSelectPlan(input: LogicalNode, catalog: Catalog, keys: readonly Expression[], window: GroupWindow | null, fields: readonly Expression[]): LogicalNode {
  const lookup = (name: string) => catalog.lookupFunction(name);
  const pre = new PreProjection(input, lookup);
  const keyColumns = keys.map((k) => pre.column(k));
  const aggregates = new Map<string, FoundAggregate>();
  for (const f of fields) collectAggregates(f, catalog, aggregates);
  const argColumns = [...aggregates.values()].map((a) => argumentColumns(a, pre));
  const time = window ? timeColumn(input, window) : null;
  const timeIndex = time === null ? -1 : pre.column({ kind: 'column', name: input.schema.names[time] });
  const preNode = pre.node();

  const calls: AggregateCall[] = [...aggregates.values()].map((a, j) => {
    const argTypes = argColumns[j].map((c) => preNode.schema.columns[c].type);
    const name = `EXPR$${j}`;
    if (a.udf) return { fn: a.udf.name, args: argColumns[j], distinct: false, filter: null, type: udafResultType(a.udf), name, udf: a.udf };
    const { fn, type } = resolveAggregate(a.fn, argTypes, a.distinct);
    return { fn, args: argColumns[j], distinct: a.distinct, filter: null, type, name };
  });

  let node: LogicalNode;
  let windowColumn: ((property: string) => string) | null = null;
  if (window) {
    const timeDomain: TimeDomain = input.schema.columns[time!].timeAttribute === 'rowtime' ? 'event' : 'processing';
    const spec = windowSpec(window, timeIndex, keyColumns);
    node = { kind: 'window-aggregate', schema: windowAggregateSchema(preNode.schema, keyColumns, spec, timeDomain, calls), input: preNode, groupKeys: keyColumns, window: spec, timeDomain, aggregates: calls };
    windowColumn = (property) => windowPropertyColumn(property, timeDomain, window.alias);
  } else {
    const schema = new Schema([...keyColumns.map((k) => ({ name: preNode.schema.names[k], type: preNode.schema.columns[k].type })), ...calls.map((c) => ({ name: c.name, type: c.type }))]);
    node = { kind: 'aggregate', schema, input: preNode, groupKeys: keyColumns, aggregates: calls };
  }

  const keyNames = new Map(keys.map((k, i) => [formatExpression(k), preNode.schema.names[keyColumns[i]]]));
  const aggKeys = [...aggregates.keys()];
  const replace = (e: Expression): Expression => {
    const key = keyNames.get(formatExpression(e));
    if (key !== undefined) return { kind: 'column', name: key };
    const agg = aggregateKey(e, catalog);
    if (agg !== undefined) return { kind: 'column', name: calls[aggKeys.indexOf(agg)].name };
    const property = windowPropertyOf(e);
    if (property) {
      if (!windowColumn || property.window.kind !== 'column' || property.window.name !== window!.alias) {
        throw new PlanError(`'${formatExpression(e)}' is not a property of the window of this aggregation`, {
          hint: window ? `Use col('${window.alias}').start(), .end() or .rowtime().` : 'Window properties need table.window(...).groupBy(col(alias), ...).',
        }, ErrorCodes.PLAN_INVALID);
      }
      return { kind: 'column', name: windowColumn(property.property) };
    }
    switch (e.kind) {
      case 'column': throw notGrouped(e.name, window?.alias);
      case 'call': return { ...e, args: e.args.map(replace) };
      case 'cast': return { ...e, expr: replace(e.expr) };
      case 'alias': return { ...e, expr: replace(e.expr) };
      default: return e;
    }
  };
  let unnamed = 0;
  const names = fields.map((f) => (f.kind === 'alias' ? f.names[0] : f.kind === 'column' ? f.name : `_c${unnamed++}`));
  const bound = fields.map((f) => resolveExpression(replace(f.kind === 'alias' ? f.expr : f), node.schema, lookup));
  return { kind: 'project', schema: new Schema(projectedColumns(node.schema, bound, names)), input: node, projections: bound };
}

/**
 * The argument columns of an aggregate: `col('*').count()` is COUNT(*); a UDAF's arguments are cast to its declared
 * input types (each cast one more column).
 */
function argumentColumns(a: FoundAggregate, pre: PreProjection): number[] {
  if (a.args.length === 1 && a.args[0].kind === 'column' && a.args[0].name === '*') return [];
  const columns = a.args.map((e) => pre.column(e));
  if (!a.udf) return columns;
  const casts = udafArgumentCasts(a.udf, columns.map((c) => pre.type(c)), a.distinct);
  return columns.map((c, i) => (casts[i] === null ? c : pre.column({ kind: 'cast', expr: a.args[i], type: casts[i]! })));
}

/** The group window over the pre-projection: SESSION windows are per group key, as Flink's group windows. */
function windowSpec(w: GroupWindow, timeIndex: number, keys: readonly number[]): WindowSpec {
  switch (w.window.kind) {
    case 'tumble': return { kind: 'tumble', timeIndex, sizeMs: w.window.sizeMs, offsetMs: 0 };
    case 'slide': return { kind: 'hop', timeIndex, sizeMs: w.window.sizeMs, slideMs: w.window.slideMs, offsetMs: 0 };
    case 'session': return { kind: 'session', timeIndex, gapMs: w.window.gapMs, partitionKeys: keys };
  }
}

function windowPropertyColumn(property: string, domain: TimeDomain, alias: string): string {
  if (property === 'start') return WINDOW_START;
  if (property === 'end') return WINDOW_END;
  if ((property === 'rowtime') !== (domain === 'event')) {
    throw new PlanError(`col('${alias}').${property}() is not defined for a ${domain}-time window`, {
      hint: `Use col('${alias}').${domain === 'event' ? 'rowtime' : 'proctime'}().`,
    }, ErrorCodes.PLAN_INVALID);
  }
  return WINDOW_TIME;
}

/** The input column of the window's time field, which must be a time attribute. */
function timeColumn(input: LogicalNode, w: GroupWindow): number {
  const f = w.timeField;
  const index = f.kind === 'column' ? input.schema.indexOf(f.name) : -1;
  const attributes = input.schema.columns.filter((c) => c.timeAttribute).map((c) => c.name);
  if (index < 0 || !input.schema.columns[index].timeAttribute) {
    throw new PlanError(`A group window must be on a time attribute, got '${formatExpression(f)}'`, {
      hint: attributes.length ? `Time attributes of the table: ${attributes.join(', ')}.` : 'Declare a rowtime column with a WATERMARK, or a PROCTIME() column.',
    }, ErrorCodes.PLAN_INVALID);
  }
  return index;
}

/** Records every aggregate call of `e` (outermost only) by its text. */
function collectAggregates(e: Expression, catalog: Catalog, out: Map<string, FoundAggregate>): void {
  const key = aggregateKey(e, catalog);
  if (key !== undefined) {
    if (!out.has(key)) {
      const inner = distinctAggregateOf(e) ?? e;
      const call = inner as Extract<Expression, { kind: 'call' }>;
      const udf = userAggregate(catalog, call.name);
      out.set(key, { fn: call.name, args: call.args, distinct: inner !== e, ...(udf ? { udf } : {}) });
    }
    return;
  }
  if (e.kind === 'call') for (const a of e.args) collectAggregates(a, catalog, out);
  else if (e.kind === 'cast' || e.kind === 'alias') collectAggregates(e.expr, catalog, out);
}

/** The text that identifies an aggregate call (with DISTINCT), or undefined when `e` is not one. */
function aggregateKey(e: Expression, catalog: Catalog): string | undefined {
  const inner = distinctAggregateOf(e) ?? e;
  if (inner.kind !== 'call') return undefined;
  if (!isAggregateFunction(inner.name) && !userAggregate(catalog, inner.name)) {
    if (inner !== e) throw new PlanError(`distinct() applies to aggregate functions, got '${formatExpression(inner)}'`, {}, ErrorCodes.PLAN_INVALID);
    return undefined;
  }
  return `${inner !== e ? 'DISTINCT ' : ''}${formatExpression(inner)}`;
}

function userAggregate(catalog: Catalog, name: string): FunctionDefinition | undefined {
  const fn = catalog.lookupFunction(name);
  return fn?.kind === 'aggregate' ? fn : undefined;
}

function notGrouped(name: string, alias: string | undefined): PlanError {
  return new PlanError(`Column '${name}' is neither grouped nor aggregated`, {
    hint: `Add col('${name}') to groupBy(...)${alias ? ` (next to col('${alias}'))` : ''}, or aggregate it, e.g. col('${name}').max().`,
  }, ErrorCodes.PLAN_INVALID);
}

/** The projection below an aggregate: distinct expressions by text, each one column; plain columns keep their name. */
class PreProjection {
  private readonly exprs: BoundExpression[] = [];
  private readonly names: string[] = [];
  private readonly byText = new Map<string, number>();

  constructor(private readonly input: LogicalNode, private readonly lookup: (name: string) => FunctionDefinition | undefined) {}

  column(e: Expression): number {
    const text = formatExpression(e);
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    const bound = resolveExpression(e, this.input.schema, this.lookup);
    this.exprs.push(bound);
    this.names.push(e.kind === 'column' ? e.name : `$f${this.exprs.length - 1}`);
    this.byText.set(text, this.exprs.length - 1);
    return this.exprs.length - 1;
  }

  type(column: number): DataType { return this.exprs[column].type; }

  node(): LogicalNode {
    // Never project zero columns (COUNT(*) alone): a row needs at least one column to be carried.
    if (this.exprs.length === 0) this.column({ kind: 'literal', value: 0 });
    const used = new Set<string>();
    const names = this.names.map((n) => { let m = n; for (let i = 0; used.has(m); i++) m = `${n}${i}`; used.add(m); return m; });
    return { kind: 'project', schema: new Schema(projectedColumns(this.input.schema, this.exprs, names)), input: this.input, projections: this.exprs };
  }
}
