import * as arrow from 'apache-arrow';
import type { BoundExpression } from '../expression.ts';
import { filterBatch, gather } from './gather.ts';
import { fromData, toData, type Vec } from './vec.ts';

/**
 * Lazy evaluation of IF/CASE operands. Operands are normally computed for every row, but a branch that can raise
 * (division, modulo, CAST, regex or format parsing) must only see the rows that reach it, or
 * `CASE WHEN b <> 0 THEN a / b END` would fail on the rows the guard excludes. Such operands run on a filtered
 * sub-batch and their result is scattered back (NULL elsewhere; those rows are never picked).
 */

const MAY_FAIL = new Set(['/', '%', 'MOD', 'TO_DATE', 'TO_TIMESTAMP', 'TO_TIMESTAMP_LTZ', 'UNIX_TIMESTAMP', 'DATE_FORMAT', 'FROM_UNIXTIME', 'REGEXP_REPLACE', 'REGEXP_EXTRACT', 'REGEXP', 'SIMILAR TO', 'LIKE', 'NOT LIKE', 'FROM_BASE64', 'ITEM']);

/** Whether evaluating the subtree can throw for some row. */
export function mayFail(expr: BoundExpression): boolean {
  switch (expr.kind) {
    case 'literal': case 'input': return false;
    case 'cast': return !expr.tryCast || mayFail(expr.arg);
    case 'udf': return true;
    case 'call': return MAY_FAIL.has(expr.name) || expr.args.some(mayFail);
  }
}

/** Minimal view of the evaluator's per-batch environment. */
export interface LazyEnv {
  readonly batch: arrow.RecordBatch;
  readonly rows: number;
  readonly now: number;
  readonly inputs: (Vec | undefined)[];
}

/**
 * Evaluates `node` only on the rows where mask[i] = 1, returning a full-length Vec. Falls back to a plain
 * evaluation when every row is selected.
 */
export function evaluateMasked(node: (env: LazyEnv) => Vec, env: LazyEnv, mask: Uint8Array): Vec {
  let count = 0;
  for (let i = 0; i < env.rows; i++) count += mask[i];
  if (count === env.rows) return node(env);
  const sel = new Uint32Array(count);
  const back = new Int32Array(env.rows).fill(-1);
  for (let i = 0, p = 0; i < env.rows; i++) if (mask[i]) { back[i] = p; sel[p++] = i; }
  const sub = node({ batch: filterBatch(env.batch, sel), rows: count, now: env.now, inputs: [] });
  if (sub.isConst) return sub;
  return fromData(gather(toData(sub, count), back), sub.type);
}
