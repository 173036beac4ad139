import type * as arrow from 'apache-arrow';
import { ExecutionError, PlanError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import type { Schema } from '../../types/schema.ts';
import { castVec } from '../cast/cast-kernel.ts';
import type { BoundExpression } from '../expression.ts';
import { formatExpression } from '../format.ts';
import '../functions/index.ts';
import { lookupBuiltin, type KernelContext } from '../functions/registry.ts';
import { toInternal } from '../types/js-values.ts';
import { evaluateMasked, mayFail } from './lazy.ts';
import { constVec } from './values.ts';
import { broadcast, fromData, toData, type Vec } from './vec.ts';

/** Options of a compiled expression. */
export interface CompileOptions {
  /** Session time zone (`table.local-time-zone`) for TIMESTAMP_LTZ conversions; default 'UTC'. */
  readonly timeZone?: string;
  /** Clock for CURRENT_TIMESTAMP and friends, read once per batch; default Date.now. */
  readonly clock?: () => number;
}

/** An expression ready to run on batches of its input schema. */
export interface CompiledExpression {
  readonly type: DataType;
  /** The result column: length batch.numRows, Arrow type toArrowType(type). */
  evaluate(batch: arrow.RecordBatch): arrow.Data;
  /** The result as an evaluator Vec (for operators that keep working on it). */
  evaluateVec(batch: arrow.RecordBatch): Vec;
}

/** A compiled boolean condition. */
export interface CompiledPredicate {
  /** Indexes of the rows where the condition is TRUE (NULL and FALSE drop the row), ascending. */
  select(batch: arrow.RecordBatch): Uint32Array;
}

/** Per-batch state shared by the nodes of one evaluation. */
interface Env {
  readonly batch: arrow.RecordBatch;
  readonly rows: number;
  readonly now: number;
  readonly inputs: (Vec | undefined)[];
}

type Node = (env: Env) => Vec;

/**
 * Compiles a bound expression into a tree of closures over columnar kernels. Literal-only deterministic subtrees are
 * evaluated once here (constant folding); errors they raise are deferred to run time so that a bad constant in an
 * unreached CASE branch does not fail the plan.
 */
export function compileExpression(expr: BoundExpression, inputSchema: Schema, options: CompileOptions = {}): CompiledExpression {
  const timeZone = options.timeZone ?? 'UTC';
  const clock = options.clock ?? Date.now;
  const names = inputSchema.names;
  const root = compileNode(expr, inputSchema, timeZone, names);
  const run = (batch: arrow.RecordBatch): Vec => {
    const env: Env = { batch, rows: batch.numRows, now: clock(), inputs: [] };
    const v = root(env);
    return v.isConst ? broadcast(v, env.rows) : v;
  };
  return {
    type: expr.type,
    evaluateVec: run,
    evaluate: (batch) => toData(run(batch), batch.numRows),
  };
}

/** Compiles a BOOLEAN expression as a row selector. */
export function compilePredicate(expr: BoundExpression, inputSchema: Schema, options: CompileOptions = {}): CompiledPredicate {
  if (expr.type.kind !== 'BOOLEAN') {
    throw new PlanError(`A filter condition must be BOOLEAN, but ${formatExpression(expr, inputSchema.names)} is ${formatDataType(expr.type)}`, {
      hint: 'Compare the value explicitly, e.g. x <> 0 or x IS NOT NULL.',
    }, ErrorCodes.TYPE_MISMATCH);
  }
  const compiled = compileExpression(expr, inputSchema, options);
  return {
    select(batch) {
      const v = compiled.evaluateVec(batch);
      const n = batch.numRows;
      const b = v.bool!;
      const valid = v.valid;
      let count = 0;
      if (valid) for (let i = 0; i < n; i++) count += b[i] & valid[i];
      else for (let i = 0; i < n; i++) count += b[i];
      const out = new Uint32Array(count);
      let p = 0;
      if (valid) { for (let i = 0; i < n; i++) if (b[i] & valid[i]) out[p++] = i; }
      else for (let i = 0; i < n; i++) if (b[i]) out[p++] = i;
      return out;
    },
  };
}

function compileNode(expr: BoundExpression, schema: Schema, timeZone: string, names: readonly string[]): Node {
  const text = (): string => formatExpression(expr, names);
  const fail = (code: keyof typeof ErrorCodes, message: string, row: number): never => {
    throw new ExecutionError(`${message} in expression ${text()}`, { location: { row } }, ErrorCodes[code]);
  };
  switch (expr.kind) {
    case 'input': {
      const i = expr.index;
      if (i < 0 || i >= schema.length) {
        throw new PlanError(`Input index ${i} is out of range for schema ${schema}`, {}, ErrorCodes.PLAN_INVALID);
      }
      const type = schema.columns[i].type;
      return (env) => env.inputs[i] ?? (env.inputs[i] = { ...fromData(env.batch.data.children[i], type), type: expr.type });
    }
    case 'literal': {
      const v = constVec(expr.type, toInternal(expr.value, expr.type));
      return () => v;
    }
    case 'cast': {
      const arg = compileNode(expr.arg, schema, timeZone, names);
      const node: Node = (env) => castVec(arg(env), expr.type, {
        tryCast: expr.tryCast, timeZone, fail: (m, row) => fail('CAST_FAILED', m, row),
      });
      return fold(expr, node);
    }
    case 'udf':
      throw new PlanError(`UDF ${expr.fn.name} cannot be evaluated inline`, {
        hint: 'The planner must move UDF calls into a UDF operator before compiling the expression.',
      }, ErrorCodes.NOT_SUPPORTED);
    case 'call': {
      const def = lookupBuiltin(expr.name);
      if (!def) throw new PlanError(`Unknown built-in function ${expr.name}`, {}, ErrorCodes.FUNCTION_NOT_FOUND);
      const args = expr.args.map((a) => compileNode(a, schema, timeZone, names));
      const lazy = (expr.name === 'IF' || expr.name === 'CASE') && expr.args.some(mayFail);
      const node: Node = (env) => {
        let vecs = lazy ? evaluateBranches(expr, args, env) : args.map((a) => a(env));
        const allConst = vecs.every((v) => v.isConst);
        const n = allConst ? 1 : env.rows;
        if (!allConst && !def.handlesConst) vecs = vecs.map((v) => broadcast(v, n));
        const ctx: KernelContext = {
          n, node: expr, now: env.now, timeZone,
          fail: (code, message, row) => fail(code, message, row),
        };
        const out = def.kernel(vecs, ctx);
        return allConst ? { ...out, isConst: true } : out;
      };
      return def.deterministic === false ? node : fold(expr, node);
    }
  }
}

/**
 * IF/CASE operands in order, each failing-capable one only on the rows that reach it: a condition sees the rows no
 * earlier condition took, a value the rows its condition took, ELSE the rest.
 */
function evaluateBranches(expr: Extract<BoundExpression, { kind: 'call' }>, args: Node[], env: Env): Vec[] {
  const n = env.rows;
  const isIf = expr.name === 'IF';
  const pairs = isIf ? 1 : Math.floor(args.length / 2);
  const reaching = new Uint8Array(n).fill(1);
  const out: Vec[] = new Array(args.length);
  const run = (k: number, mask: Uint8Array): Vec => (mayFail(expr.args[k]) ? evaluateMasked(args[k], env, mask) : args[k](env));
  for (let p = 0; p < pairs; p++) {
    const cond = run(2 * p, reaching);
    out[2 * p] = cond;
    const taken = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const j = cond.isConst ? 0 : i;
      const t = reaching[i] === 1 && (cond.valid === null || cond.valid[j] === 1) && cond.bool![j] === 1;
      if (t) { taken[i] = 1; reaching[i] = 0; }
    }
    out[2 * p + 1] = run(2 * p + 1, taken);
  }
  const elseIdx = isIf ? 2 : args.length % 2 === 1 ? args.length - 1 : -1;
  if (elseIdx >= 0) out[elseIdx] = run(elseIdx, reaching);
  return out;
}

/** Evaluates input-free subtrees once; keeps the node when evaluation fails so errors surface with row context. */
function fold(expr: BoundExpression, node: Node): Node {
  if (!isConstant(expr)) return node;
  try {
    const v = node({ batch: undefined as never, rows: 1, now: Date.now(), inputs: [] });
    if (!v.isConst) return node;
    return () => v;
  } catch {
    return node;
  }
}

function isConstant(expr: BoundExpression): boolean {
  switch (expr.kind) {
    case 'literal': return true;
    case 'input': case 'udf': return false;
    case 'cast': return isConstant(expr.arg);
    case 'call': return lookupBuiltin(expr.name)?.deterministic !== false && expr.args.every(isConstant);
  }
}
