import type { BoundExpression } from '../../expr/expression.ts';
import { Schema, type Column } from '../../types/schema.ts';
import type { UdfArg, UdfProgram, UdfStep } from '../../udf/function-definition.ts';
import type { LogicalCalc, LogicalNode, LogicalUdfCall } from '../logical/logical-node.ts';
import { mapInputs } from './map-inputs.ts';

type UdfExpr = Extract<BoundExpression, { kind: 'udf' }>;
type Language = UdfProgram['language'];

/**
 * Splits every Calc that calls user-defined functions into Calc → UdfCall → ... → Calc, as PyFlink's
 * PythonCalcSplitRule does, so that built-ins stay in TypeScript and each UDF-call operator ships only argument
 * columns. UDFs are grouped into stages: a UDF whose argument is directly another UDF of the same language runs in
 * the same request as a chained step (one round trip for `f(g(x))`); a UDF that needs a built-in applied to another
 * UDF's result goes to a later stage. All input columns are forwarded (zero-copy) so later stages and the final
 * Calc can refer to them.
 */
export function splitUdfCalls(node: LogicalNode): LogicalNode {
  const rewritten = mapInputs(node, splitUdfCalls);
  if (rewritten.kind !== 'calc') return rewritten;
  const roots = [rewritten.condition, ...rewritten.projections].filter((e): e is BoundExpression => e !== null);
  if (!roots.some(containsUdf)) return rewritten;
  return new CalcSplitter(rewritten).split();
}

export function containsUdf(e: BoundExpression): boolean {
  if (e.kind === 'udf') return true;
  if (e.kind === 'call') return e.args.some(containsUdf);
  if (e.kind === 'cast') return containsUdf(e.arg);
  return false;
}

function childrenOf(e: BoundExpression): readonly BoundExpression[] {
  if (e.kind === 'udf' || e.kind === 'call') return e.args;
  if (e.kind === 'cast') return [e.arg];
  return [];
}

class CalcSplitter {
  private readonly stage = new Map<UdfExpr, number>();
  /** Where each UDF's result lives in the current node's output. */
  private readonly computed = new Map<UdfExpr, number>();
  /** UDF nodes consumed somewhere other than as a direct argument of a UDF of the same stage and language. */
  private readonly neededOutside = new Set<UdfExpr>();
  private readonly order: UdfExpr[] = [];
  private columnCounter = 0;

  constructor(private readonly calc: LogicalCalc) {}

  split(): LogicalNode {
    const roots = [this.calc.condition, ...this.calc.projections].filter((e): e is BoundExpression => e !== null);
    for (const r of roots) this.visit(r);
    for (const r of roots) this.markOutside(r, null);
    let current: LogicalNode = this.calc.input;
    for (const [stage, language] of this.groups()) {
      const members = this.order.filter((u) => this.stage.get(u) === stage && u.fn.language === language);
      current = this.stageNode(current, members);
    }
    return {
      kind: 'calc',
      schema: this.calc.schema,
      input: current,
      condition: this.calc.condition ? this.substitute(this.calc.condition) : null,
      projections: this.calc.projections.map((p) => this.substitute(p)),
    };
  }

  /** Post-order: assigns stages, records each UDF once, dependencies before dependents. */
  private visit(e: BoundExpression): number {
    let maxInside = -1;
    for (const c of childrenOf(e)) maxInside = Math.max(maxInside, this.visit(c));
    if (e.kind !== 'udf') return maxInside;
    if (this.stage.has(e)) return this.stage.get(e)!;
    let s = 0;
    for (const a of e.args) {
      if (a.kind === 'udf' && a.fn.language === e.fn.language) s = Math.max(s, this.stage.get(a)!);
      else s = Math.max(s, this.maxStageInside(a) + 1);
    }
    this.stage.set(e, s);
    this.order.push(e);
    return Math.max(s, maxInside);
  }

  private maxStageInside(e: BoundExpression): number {
    let m = e.kind === 'udf' ? this.stage.get(e) ?? -1 : -1;
    for (const c of childrenOf(e)) m = Math.max(m, this.maxStageInside(c));
    return m;
  }

  private markOutside(e: BoundExpression, parent: UdfExpr | null): void {
    if (e.kind === 'udf') {
      const chained = parent !== null && parent.fn.language === e.fn.language && this.stage.get(parent) === this.stage.get(e);
      if (!chained) this.neededOutside.add(e);
    }
    for (const c of childrenOf(e)) this.markOutside(c, e.kind === 'udf' ? e : null);
  }

  private groups(): [number, Language][] {
    const keys = new Map<string, [number, Language]>();
    for (const u of this.order) keys.set(`${this.stage.get(u)}:${u.fn.language}`, [this.stage.get(u)!, u.fn.language]);
    return [...keys.values()].sort((a, b) => a[0] - b[0] || (a[1] === 'python' ? -1 : 1));
  }

  /** Builds [optional pre-Calc →] UdfCall for the UDFs of one stage. */
  private stageNode(input: LogicalNode, members: UdfExpr[]): LogicalNode {
    const pre: BoundExpression[] = [];
    const argColumns: number[] = [];
    const argIndex = (column: number): number => {
      let i = argColumns.indexOf(column);
      if (i < 0) { i = argColumns.length; argColumns.push(column); }
      return i;
    };
    const width = input.schema.length;
    const steps: UdfStep[] = members.map((u) => ({
      fn: u.fn,
      args: u.args.map((a): UdfArg => {
        if (a.kind === 'udf' && members.includes(a)) return { step: members.indexOf(a) };
        if (a.kind === 'literal' && isWireLiteral(a.value)) return { lit: a.value as string | number | boolean | null, type: a.type };
        const sub = this.substitute(a);
        if (sub.kind === 'input') return { col: argIndex(sub.index) };
        pre.push(sub);
        return { col: argIndex(width + pre.length - 1) };
      }),
    }));
    let current = input;
    if (pre.length > 0) current = this.preCalc(input, pre);
    const outputs = members.map((u, i) => (this.neededOutside.has(u) ? i : -1)).filter((i) => i >= 0);
    const program: UdfProgram = { language: members[0].fn.language, argColumns, steps, outputs };
    const resultColumns: Column[] = outputs.map((i) => ({ name: this.freshName('udf'), type: members[i].type }));
    const base = current.schema.length;
    outputs.forEach((i, k) => this.computed.set(members[i], base + k));
    const call: LogicalUdfCall = {
      kind: 'udf-call',
      input: current,
      program,
      schema: new Schema([...current.schema.columns, ...resultColumns]),
    };
    return call;
  }

  private preCalc(input: LogicalNode, extra: BoundExpression[]): LogicalCalc {
    const identity = input.schema.columns.map((c, index): BoundExpression => ({ kind: 'input', index, type: c.type }));
    const columns = [...input.schema.columns, ...extra.map((e) => ({ name: this.freshName('arg'), type: e.type }))];
    return { kind: 'calc', schema: new Schema(columns), input, condition: null, projections: [...identity, ...extra] };
  }

  /** The original expression with every already-computed UDF replaced by a reference to its result column. */
  private substitute(e: BoundExpression): BoundExpression {
    if (e.kind === 'udf' && this.computed.has(e)) return { kind: 'input', index: this.computed.get(e)!, type: e.type };
    switch (e.kind) {
      case 'call': return { ...e, args: e.args.map((a) => this.substitute(a)) };
      case 'udf': return { ...e, args: e.args.map((a) => this.substitute(a)) };
      case 'cast': return { ...e, arg: this.substitute(e.arg) };
      default: return e;
    }
  }

  private freshName(prefix: string): string {
    const taken = new Set(this.calc.input.schema.names);
    let name: string;
    do name = `$${prefix}${this.columnCounter++}`; while (taken.has(name));
    return name;
  }
}

function isWireLiteral(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}
