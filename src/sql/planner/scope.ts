import { ErrorCodes } from '../../errors/weir-error.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import type { DataType } from '../../types/data-type.ts';
import type { SourcePos } from '../tokens.ts';
import { fail } from './errors.ts';
import type { PendingRank } from './rank-planner.ts';
import { editDistance } from '../../util/edit-distance.ts';

/**
 * One column visible to SQL names: `qualifier.name` (or just `name`) refers to column `index` of the relation's
 * plan. Plan schemas need unique names (joins get `id` and `id0`), so the SQL-visible name lives here.
 */
export interface ScopeField {
  /** Table name or alias the column can be qualified with; absent for derived columns of an unnamed relation. */
  readonly qualifier?: string;
  readonly name: string;
  readonly index: number;
  /** Not matched by unqualified names nor expanded by `*`: the right-hand copy of a USING column. */
  readonly hidden?: boolean;
}

/**
 * A planned relation in the middle of planning a query: the plan plus the names SQL can use for its columns.
 * `rank` marks a `ROW_NUMBER() OVER (…)` subquery whose Top-N bound has yet to come from the outer WHERE.
 */
export interface RelPlan {
  readonly node: LogicalNode;
  readonly fields: readonly ScopeField[];
  readonly rank?: PendingRank;
}

/** Fields for every column of `node`, all under one qualifier. */
export function fieldsOf(node: LogicalNode, qualifier?: string, names: readonly string[] = node.schema.names): ScopeField[] {
  return names.map((name, index) => ({ qualifier, name, index }));
}

/** Gives every name a unique spelling by appending 0, 1, … to repeats (Calcite's uniquify: `a, a0, a1`). */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let i = 0; used.has(name); i++) name = `${n}${i}`;
    used.add(name);
    return name;
  });
}

/** The type of a field's column. */
export function fieldType(rel: RelPlan, field: ScopeField): DataType {
  return rel.node.schema.columns[field.index].type;
}

/** The visible fields of `rel` for `*` (`qualifier` set for `t.*`), or an error when `t` is not in scope. */
export function starFields(sql: string, rel: RelPlan, qualifier: readonly string[], pos: SourcePos): ScopeField[] {
  if (qualifier.length === 0) return rel.fields.filter((f) => !f.hidden);
  const q = qualifier[qualifier.length - 1];
  const fields = rel.fields.filter((f) => f.qualifier === q);
  if (fields.length === 0) {
    fail(sql, pos, `Table '${qualifier.join('.')}' is not in scope; tables in scope: ${qualifiers(rel).join(', ') || '(none)'}`, ErrorCodes.COLUMN_NOT_FOUND);
  }
  return fields;
}

/**
 * Resolves a dotted name to a field plus the remaining names (row field accesses). `t.a.f` is table t, column a,
 * field f when t is a table in scope, else column t, fields a and f. Unknown names list the columns in scope and
 * suggest close ones; an unqualified name that two tables have is an error listing both.
 */
export function resolveName(sql: string, rel: RelPlan, names: readonly string[], pos: SourcePos): { field: ScopeField; rest: string[] } {
  if (names.length >= 2 && rel.fields.some((f) => f.qualifier === names[0])) {
    const field = rel.fields.find((f) => f.qualifier === names[0] && f.name === names[1]);
    if (!field) {
      const cols = rel.fields.filter((f) => f.qualifier === names[0]).map((f) => f.name);
      fail(sql, pos, `Column '${names[1]}' not found in table '${names[0]}'; its columns: ${cols.join(', ')}`, ErrorCodes.COLUMN_NOT_FOUND, suggest(names[1], cols));
    }
    return { field, rest: names.slice(2) };
  }
  const candidates = rel.fields.filter((f) => f.name === names[0] && !f.hidden);
  if (candidates.length > 1) {
    const listed = candidates.map((f) => (f.qualifier ? `${f.qualifier}.${f.name}` : f.name));
    fail(sql, pos, `Column '${names[0]}' is ambiguous; it could be ${listed.join(' or ')}`, ErrorCodes.PLAN_INVALID, `Qualify it, e.g. ${listed[0]}.`);
  }
  if (candidates.length === 0) {
    const visible = rel.fields.filter((f) => !f.hidden);
    const multi = new Set(visible.map((f) => f.qualifier)).size > 1;
    const listed = visible.map((f) => (multi && f.qualifier ? `${f.qualifier}.${f.name}` : f.name));
    const what = names.length > 1 ? `Column or table '${names[0]}'` : `Column '${names[0]}'`;
    fail(sql, pos, `${what} not found; columns in scope: ${listed.join(', ') || '(none)'}`, ErrorCodes.COLUMN_NOT_FOUND, suggest(names[0], visible.map((f) => f.name)));
  }
  return { field: candidates[0], rest: names.slice(1) };
}

/** Distinct qualifiers in scope, for messages. */
export function qualifiers(rel: RelPlan): string[] {
  return [...new Set(rel.fields.map((f) => f.qualifier).filter((q): q is string => q !== undefined))];
}

/** "Did you mean …?" for a misspelt name: same name in another case, or within edit distance 2. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const near = [...new Set(known)].filter((k) => k.toLowerCase() === lower || editDistance(lower, k.toLowerCase()) <= 2);
  if (near.length === 0) return undefined;
  const caseOnly = near.some((k) => k.toLowerCase() === lower);
  return `Did you mean ${near.slice(0, 3).map((n) => `'${n}'`).join(' or ')}?${caseOnly ? ' Names are case-sensitive.' : ''}`;
}

