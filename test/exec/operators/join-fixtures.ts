/** Shared inputs and brute-force references of the join/rank/sort end-to-end tests. */
import { Table } from '../../../src/api/table.ts';
import type { TableEnvironment } from '../../../src/api/table-environment.ts';
import { col } from '../../../src/expr/api.ts';
import { resolveExpression } from '../../../src/expr/index.ts';
import type { JoinType } from '../../../src/plan/logical/logical-node.ts';
import { withNullable } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';

/** Deterministic pseudo-random integers (LCG). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

const rnd = lcg(42);
/** Left: (id, k, v) with NULL keys and duplicate rows; right: (k, w). */
export const LEFT_ROWS: unknown[][] = Array.from({ length: 120 }, (_, i) => [i % 100, rnd() < 0.1 ? null : Math.floor(rnd() * 25), Math.floor(rnd() * 50)]);
export const RIGHT_ROWS: unknown[][] = Array.from({ length: 90 }, () => [rnd() < 0.1 ? null : Math.floor(rnd() * 30), Math.floor(rnd() * 50)]);

/** Brute-force SQL join of two row lists on left[1] = right[0] (NULLs never equal) and an optional extra predicate. */
export function referenceJoin(type: JoinType, left: unknown[][], right: unknown[][], extra: (l: unknown[], r: unknown[]) => boolean = () => true): unknown[][] {
  const out: unknown[][] = [];
  const rightMatched = new Array(right.length).fill(false);
  for (const l of left) {
    let matched = false;
    right.forEach((r, j) => {
      if (l[1] !== null && r[0] !== null && l[1] === r[0] && extra(l, r)) { out.push([...l, ...r]); matched = true; rightMatched[j] = true; }
    });
    if (!matched && (type === 'left' || type === 'full')) out.push([...l, null, null]);
  }
  if (type === 'right' || type === 'full') right.forEach((r, j) => { if (!rightMatched[j]) out.push([null, null, null, ...r]); });
  return out;
}

export const canon = (rows: readonly (readonly unknown[])[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

export function joinTables(env: TableEnvironment, type: JoinType, withCondition: boolean): Table {
  const a = env.fromValues(LEFT_ROWS, { id: 'INT', k: 'INT', v: 'INT' });
  const b = env.fromValues(RIGHT_ROWS, { rk: 'INT', w: 'INT' });
  const nullLeft = type === 'right' || type === 'full';
  const nullRight = type === 'left' || type === 'full';
  const schema = new Schema([
    ...a.schema.columns.map((c) => ({ ...c, type: withNullable(c.type, c.type.nullable || nullLeft) })),
    ...b.schema.columns.map((c) => ({ ...c, type: withNullable(c.type, c.type.nullable || nullRight) })),
  ]);
  const joined = new Schema([...a.schema.columns, ...b.schema.columns]);
  const condition = withCondition ? resolveExpression(col('v').isLess(col('w')).node, joined) : null;
  return new Table(env, { kind: 'join', schema, left: a.plan, right: b.plan, joinType: type, leftKeys: [1], rightKeys: [0], condition });
}

