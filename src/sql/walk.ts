import type { SqlExpr, SqlNode } from './ast.ts';

/** Node kinds of the {@link SqlExpr} union. */
const EXPR_KINDS = new Set(['identifier', 'literal', 'interval', 'operator', 'call', 'case', 'cast', 'star', 'subquery', 'exists', 'inSubquery']);

/** True when `node` is a scalar expression. */
export const isSqlExpr = (node: SqlNode): node is SqlExpr => EXPR_KINDS.has(node.kind);

/**
 * Visits `node` and every AST node below it, depth-first in source order, parents before children. Return
 * `false` from the visitor to skip a node's children. Nodes are recognised structurally (an object with a `kind`
 * and a `pos`), so helper objects without a kind (aliases, CASE branches, frame bounds) are looked through and
 * DataType values (no `pos`) are skipped.
 */
export function walk(node: SqlNode, visit: (node: SqlNode, parent: SqlNode | undefined) => void | boolean): void {
  const go = (value: unknown, parent: SqlNode | undefined): void => {
    if (Array.isArray(value)) { for (const v of value) go(v, parent); return; }
    if (value === null || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    let next = parent;
    if (typeof obj.kind === 'string' && obj.pos !== undefined) {
      if (visit(obj as unknown as SqlNode, parent) === false) return;
      next = obj as unknown as SqlNode;
    } else if (obj.pos === undefined && typeof obj.kind === 'string' && 'nullable' in obj) {
      return; // a DataType
    }
    for (const [key, child] of Object.entries(obj)) if (key !== 'pos') go(child, next);
  };
  go(node, undefined);
}

/** Every expression below `node` (including `node` itself when it is one) that satisfies `pred`. */
export function findExprs(node: SqlNode, pred: (e: SqlExpr) => boolean): SqlExpr[] {
  const out: SqlExpr[] = [];
  walk(node, (n) => { if (isSqlExpr(n) && pred(n)) out.push(n); });
  return out;
}

/** A deep copy of `node` without `pos` fields, for comparing ASTs regardless of layout. */
export function stripPositions<T>(node: T): T {
  if (Array.isArray(node)) return node.map(stripPositions) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'pos') out[k] = stripPositions(v);
  return out as T;
}
