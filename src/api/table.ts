import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { Expr } from '../expr/api-expression.ts';
import type { BoundExpression, Expression } from '../expr/expression.ts';
import { resolveExpression } from '../expr/index.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import { projectedColumn } from '../plan/time-attributes.ts';
import { withOperatorUid } from '../plan/logical/assign-uid.ts';
import { typesEqual, withNullable } from '../types/data-type.ts';
import { Schema, type Column } from '../types/schema.ts';
import type { TableEnvironment } from './table-environment.ts';
import { lateralJoinPlan } from './lateral-join.ts';
import { overWindowSelectPlan, type OverWindow } from './over-window.ts';
import type { GroupWindow } from './group-window.ts';
import { GroupedTable, GroupWindowedTable, type TableParts } from './grouped-table.ts';
import type { TableDescriptor } from './table-descriptor.ts';
import type { TableResult } from './table-result.ts';
import type { JobClient } from '../exec/job/job-client.ts';

/** A field argument: an expression, or a column name (`'*'` for all columns). */
export type FieldLike = Expr | string;

/**
 * A relational query over a stream, as Flink's Table: immutable, each method returns a new Table. Expressions are
 * resolved and type-checked when the method is called, so mistakes fail where they are made.
 */
export class Table {
  /** @internal */
  constructor(readonly env: TableEnvironment, readonly plan: LogicalNode) {}

  get schema(): Schema { return this.plan.schema; }
  getSchema(): Schema { return this.plan.schema; }

  /** Projects expressions; `'*'` expands to every column. */
  select(...fields: FieldLike[]): Table {
    const exprs = this.expand(fields);
    return this.project(exprs.map((e) => this.resolveNamed(e)));
  }

  /** Keeps the rows for which the condition is TRUE (NULL and FALSE are dropped). */
  filter(condition: Expr): Table {
    const bound = this.bind(condition.node);
    if (bound.type.kind !== 'BOOLEAN') {
      throw new PlanError(`Filter condition must be BOOLEAN, but '${describe(condition.node)}' is ${bound.type.kind}`, {}, ErrorCodes.TYPE_MISMATCH);
    }
    return this.derive({ kind: 'filter', schema: this.schema, input: this.plan, condition: bound });
  }

  /** Alias of {@link filter}. */
  where(condition: Expr): Table { return this.filter(condition); }

  /** Appends computed columns; a name that already exists is an error (use addOrReplaceColumns). */
  addColumns(...fields: Expr[]): Table {
    const added = fields.map((f) => this.resolveNamed(f.node));
    for (const a of added) {
      if (this.schema.indexOf(a.name) >= 0) {
        throw new PlanError(`addColumns: column '${a.name}' already exists`, { hint: 'Use addOrReplaceColumns() to replace it.' });
      }
    }
    return this.project([...this.identity(), ...added]);
  }

  /** Appends computed columns, replacing existing columns of the same name in place. */
  addOrReplaceColumns(...fields: Expr[]): Table {
    const out = this.identity();
    for (const f of fields.map((x) => this.resolveNamed(x.node))) {
      const i = out.findIndex((c) => c.name === f.name);
      if (i >= 0) out[i] = f; else out.push(f);
    }
    return this.project(out);
  }

  dropColumns(...columns: FieldLike[]): Table {
    const names = new Set(columns.map((c) => columnName(c, 'dropColumns')));
    for (const n of names) this.schema.resolve(n);
    return this.project(this.identity().filter((c) => !names.has(c.name)));
  }

  /** `renameColumns(col('a').as('x'), ...)`. */
  renameColumns(...renames: Expr[]): Table {
    const out = this.identity();
    for (const r of renames) {
      const node = r.node;
      if (node.kind !== 'alias' || node.expr.kind !== 'column' || node.names.length !== 1) {
        throw new PlanError(`renameColumns expects col('old').as('new'), got '${describe(node)}'`);
      }
      const i = this.schema.resolve(node.expr.name);
      out[i] = { ...out[i], name: node.names[0] };
    }
    return this.project(out);
  }

  /** Renames every column by position: `table.as('a', 'b', 'c')`. */
  as(...names: string[]): Table {
    if (names.length !== this.schema.length) {
      throw new PlanError(`as() got ${names.length} names for ${this.schema.length} columns (${this.schema.names.join(', ')})`);
    }
    return this.project(this.identity().map((c, i) => ({ ...c, name: names[i] })));
  }

  /** UNION ALL: both tables must have the same column types in the same order. */
  unionAll(other: Table): Table {
    const a = this.schema.columns;
    const b = other.schema.columns;
    if (a.length !== b.length || !a.every((c, i) => typesEqual(c.type, b[i].type, true))) {
      throw new PlanError(`unionAll needs tables of the same column types: ${this.schema} vs ${other.schema}`, {}, ErrorCodes.SCHEMA_MISMATCH);
    }
    const columns: Column[] = a.map((c, i) => ({ name: c.name, type: withNullable(c.type, c.type.nullable || b[i].type.nullable) }));
    const inputs: LogicalNode[] = [this.plan, other.plan].flatMap((p) => (p.kind === 'union' ? p.inputs : [p]));
    return this.derive({ kind: 'union', schema: new Schema(columns), inputs });
  }

  /** The first `fetch` rows, or rows [offset, offset + fetch) with two arguments. */
  limit(offsetOrFetch: number, fetch?: number): Table {
    const [offset, count] = fetch === undefined ? [0, offsetOrFetch] : [offsetOrFetch, fetch];
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 0) {
      throw new PlanError(`limit needs non-negative integers, got offset ${offset}, fetch ${count}`);
    }
    return this.derive({ kind: 'limit', schema: this.schema, input: this.plan, offset, fetch: count });
  }

  offset(n: number): Table { return this.limit(n, Number.MAX_SAFE_INTEGER); }
  fetch(n: number): Table { return this.limit(0, n); }

  /**
   * Joins every row with the rows a table function yields for it (an inner lateral join, Flink's `joinLateral`):
   * rows for which the function yields nothing are dropped. Output = this table's columns, then the function's,
   * named by `.as(...)` or as declared. The optional predicate filters the joined rows.
   *
   * @example
   * ```ts
   * await env.createPythonFunction('split', 'udfs/text.py:split');   // a @udtf generator
   * table.joinLateral(call('split', col('line')).as('word', 'len')).select(col('id'), col('word'));
   * ```
   */
  joinLateral(tableFunctionCall: Expr, predicate?: Expr): Table {
    return this.derive(lateralJoinPlan(this.plan, this.env.catalog, tableFunctionCall, 'inner', predicate));
  }

  /**
   * As {@link joinLateral}, but a row for which the function yields nothing is kept once, with NULL function
   * columns (Flink's `leftOuterJoinLateral`). The predicate, if given, must be `lit(true)`.
   */
  leftOuterJoinLateral(tableFunctionCall: Expr, predicate?: Expr): Table {
    return this.derive(lateralJoinPlan(this.plan, this.env.catalog, tableFunctionCall, 'left', predicate));
  }

  /**
   * OVER aggregation (Flink's `overWindow`): aggregates over a window of each row's partition, one output row per
   * input row. Select with `.over(col(alias))` aggregates.
   *
   * @example
   * ```ts
   * const w = Over.partitionBy(col('k')).orderBy(col('ts')).preceding(rowInterval(2)).as('w');
   * table.overWindow(w).select(col('k'), col('ts'), col('v').sum().over(col('w')).as('s'));
   * ```
   */
  overWindow(...windows: OverWindow[]): { select(...fields: FieldLike[]): Table } {
    return {
      select: (...fields) => this.derive(overWindowSelectPlan(this.plan, this.env.catalog, windows, this.expand(fields))),
    };
  }

  /**
   * GROUP BY (Flink's `groupBy`): `select` on the result takes the keys and aggregates. The result is a changelog
   * (a key's row is retracted and re-emitted as its aggregates change).
   *
   * @example
   * ```ts
   * table.groupBy(col('k')).select(col('k'), col('v').sum().as('total'), col('*').count().as('n'));
   * ```
   */
  groupBy(...fields: FieldLike[]): GroupedTable {
    return new GroupedTable(this.parts(), this.expand(fields));
  }

  /**
   * A group window (Flink's `window`: {@link Tumble}, {@link Slide}, {@link Session}); group by its alias, then
   * select. Each window's rows are emitted once, append-only, when it fires.
   *
   * @example
   * ```ts
   * table.window(Tumble.over(lit(10).minutes()).on(col('ts')).as('w'))
   *   .groupBy(col('w'), col('k'))
   *   .select(col('k'), col('w').start().as('ws'), col('w').end().as('we'), col('v').sum().as('total'));
   * ```
   */
  window(window: GroupWindow): GroupWindowedTable {
    return new GroupWindowedTable(this.parts(), window);
  }

  /** Removes duplicate rows. Keeps one entry per distinct row in memory, so use it on bounded input. */
  distinct(): Table {
    return this.derive({ kind: 'distinct', schema: this.schema, input: this.plan });
  }

  /**
   * Gives the operator producing this table a uid: the name under which its state is saved in checkpoints and
   * savepoints, so a job restored after its query changed still finds it (Flink's DataStream `uid()`). Projections
   * and filters on top are looked through: on `t.groupBy('k').select(...)` the uid names the aggregation, on a join
   * the join, on a scanned table its source. Without one, operators get uids generated from their table names and
   * their place in the pipeline (docs/checkpoints.md, "Operator uids"). A uid must be unique within a job.
   *
   * @example
   * env.from('orders').groupBy('customer').select(col('customer'), col('amount').sum().as('total')).uid('totals-per-customer')
   */
  uid(name: string): Table { return this.derive(withOperatorUid(this.plan, name)); }

  /** Runs the query and streams its rows back (see {@link TableResult}). */
  execute(): TableResult { return this.env.executeTable(this); }

  /** Runs the query into a catalog table or a descriptor's connector; returns the job's handle. */
  executeInsert(target: string | TableDescriptor): JobClient { return this.env.executeInsert(this, target); }

  /** The logical plan and the physical job graph, as text. */
  explain(): string { return this.env.explainTable(this); }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private derive(plan: LogicalNode): Table { return new Table(this.env, plan); }

  private parts(): TableParts {
    return { plan: this.plan, catalog: this.env.catalog, expand: (f) => this.expand(f), derive: (p) => this.derive(p) };
  }

  private project(columns: (Column & { expr: BoundExpression })[]): Table {
    return this.derive({
      kind: 'project',
      // Pass-through columns keep their time attribute (rowtime / proctime), as in Flink.
      schema: new Schema(columns.map((c) => projectedColumn(this.schema, c.expr, c.name))),
      input: this.plan,
      projections: columns.map((c) => c.expr),
    });
  }

  private identity(): (Column & { expr: BoundExpression })[] {
    return this.schema.columns.map((c, index) => ({ ...c, expr: { kind: 'input', index, type: c.type } }));
  }

  private bind(e: Expression): BoundExpression {
    return resolveExpression(e, this.schema, (name) => this.env.catalog.lookupFunction(name));
  }

  private expand(fields: FieldLike[]): Expression[] {
    return fields.flatMap((f): Expression[] => {
      if (typeof f === 'string') {
        if (f === '*') return this.schema.names.map((name) => ({ kind: 'column', name }));
        return f.split(',').map((s) => ({ kind: 'column', name: s.trim() }));
      }
      if (f.node.kind === 'column' && f.node.name === '*') return this.schema.names.map((name) => ({ kind: 'column', name }));
      return [f.node];
    });
  }

  private unnamed = 0;

  private resolveNamed(e: Expression): Column & { expr: BoundExpression } {
    if (e.kind === 'alias') {
      if (e.names.length !== 1) throw new PlanError(`An expression alias needs exactly one name, got ${e.names.join(', ')}`);
      const expr = this.bind(e.expr);
      return { name: e.names[0], type: expr.type, expr };
    }
    const expr = this.bind(e);
    const name = e.kind === 'column' ? e.name : `_c${this.unnamed++}`;
    return { name, type: expr.type, expr };
  }
}

function columnName(f: FieldLike, where: string): string {
  if (typeof f === 'string') return f;
  if (f.node.kind === 'column') return f.node.name;
  throw new PlanError(`${where} expects column names, got '${describe(f.node)}'`);
}

function describe(e: Expression): string {
  switch (e.kind) {
    case 'column': return e.name;
    case 'literal': return String(e.value);
    case 'call': return `${e.name}(${e.args.map(describe).join(', ')})`;
    case 'cast': return `CAST(${describe(e.expr)})`;
    case 'alias': return `${describe(e.expr)} AS ${e.names.join(', ')}`;
  }
}
