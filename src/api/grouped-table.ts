/**
 * The intermediate tables of grouped aggregations, as Flink's GroupedTable, GroupWindowedTable and
 * WindowGroupedTable: each only offers `select`, which plans the aggregation (src/api/aggregate-select.ts).
 */
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import type { Expression } from '../expr/expression.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import { aggregateSelectPlan } from './aggregate-select.ts';
import type { Catalog } from './catalog.ts';
import type { GroupWindow } from './group-window.ts';
import type { FieldLike, Table } from './table.ts';

/** What the grouped tables need from the Table they come from. */
export interface TableParts {
  readonly plan: LogicalNode;
  readonly catalog: Catalog;
  /** Field arguments as expressions (`'*'` and comma lists expanded). */
  expand(fields: FieldLike[]): Expression[];
  /** A Table over a plan, in the same environment. */
  derive(plan: LogicalNode): Table;
}

/** `table.groupBy(keys)`: select keys and aggregates, e.g. `.select(col('k'), col('v').sum().as('total'))`. */
export class GroupedTable {
  /** @internal */
  constructor(private readonly parts: TableParts, private readonly keys: readonly Expression[]) {}

  /**
   * The aggregated table: one row per key, updated as rows arrive (a changelog with retractions, as Flink's
   * non-windowed GROUP BY). Fields may use the keys, aggregates (`col('v').sum()`, `col('v').count().distinct()`,
   * `col('*').count()`, UDAFs through `call(name, ...)`) and expressions over them.
   */
  select(...fields: FieldLike[]): Table {
    const p = this.parts;
    return p.derive(aggregateSelectPlan(p.plan, p.catalog, this.keys, null, p.expand(fields)));
  }
}

/** `table.window(w)`: must be grouped by the window alias (and more keys) before selecting. */
export class GroupWindowedTable {
  /** @internal */
  constructor(private readonly parts: TableParts, private readonly window: GroupWindow) {}

  /** Groups by the window (`col(alias)`, required) and further keys. */
  groupBy(...fields: FieldLike[]): WindowGroupedTable {
    const exprs = this.parts.expand(fields);
    const alias = this.window.alias;
    const isAlias = (e: Expression): boolean => e.kind === 'column' && e.name === alias;
    if (!exprs.some(isAlias)) {
      throw new PlanError(`A windowed table must be grouped by its window alias '${alias}'`, {
        hint: `groupBy(col('${alias}'), ...other keys).`,
      }, ErrorCodes.PLAN_INVALID);
    }
    return new WindowGroupedTable(this.parts, this.window, exprs.filter((e) => !isAlias(e)));
  }
}

/** `table.window(w).groupBy(col('w'), keys)`: select keys, window properties and aggregates. */
export class WindowGroupedTable {
  /** @internal */
  constructor(private readonly parts: TableParts, private readonly window: GroupWindow, private readonly keys: readonly Expression[]) {}

  /**
   * The window aggregation: one row per key and window, appended when the window fires. Fields may use the keys,
   * aggregates, and the window's `col(alias).start()`, `.end()` and `.rowtime()` (`.proctime()` for processing-time
   * windows), which stays a time attribute for a following window.
   */
  select(...fields: FieldLike[]): Table {
    const p = this.parts;
    return p.derive(aggregateSelectPlan(p.plan, p.catalog, this.keys, this.window, p.expand(fields)));
  }
}
