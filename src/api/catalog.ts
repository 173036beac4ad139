import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import type { BoundExpression } from '../expr/expression.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import type { DataType } from '../types/data-type.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';
import type { TableDescriptor } from './table-descriptor.ts';

/** A computed column (`name AS expr` in CREATE TABLE): an expression over the physical columns. */
export interface ComputedColumnSpec {
  readonly name: string;
  readonly type: DataType;
  /** Bound over the descriptor's (physical) schema. */
  readonly expr: BoundExpression;
  /** The SQL text, for DESCRIBE. */
  readonly sql: string;
}

/** `WATERMARK FOR column AS expr`, kept for event-time processing. */
export interface WatermarkSpec {
  /** The rowtime column (physical or computed). */
  readonly column: string;
  /** Bound over the physical columns followed by the computed ones. */
  readonly expr: BoundExpression;
  /** The SQL text, for DESCRIBE. */
  readonly sql: string;
  /**
   * `WATERMARK FOR ts AS SOURCE_WATERMARK()`: the source emits the watermarks (e.g. the scripted source's explicit
   * ones); `column` is the rowtime attribute and no watermark assigner is planned (`expr` is the column itself).
   */
  readonly fromSource?: boolean;
}

/**
 * A catalog entry. Connector tables may carry what CREATE TABLE declares beyond the physical schema: computed
 * columns (added by a projection over the source), a watermark and a primary key (NOT ENFORCED, as in Flink).
 */
export type CatalogTable =
  | {
    readonly kind: 'connector';
    readonly descriptor: TableDescriptor;
    readonly computed?: readonly ComputedColumnSpec[];
    /** Declared column order when computed columns sit between physical ones (default: physical, then computed). */
    readonly columnOrder?: readonly string[];
    readonly watermark?: WatermarkSpec;
    readonly primaryKey?: readonly string[];
    readonly comment?: string;
  }
  | { readonly kind: 'view'; readonly plan: LogicalNode; readonly query?: string };

/** The in-memory catalog of one TableEnvironment: tables, views and user-defined functions by name. */
export class Catalog {
  private readonly tables = new Map<string, CatalogTable>();
  private readonly functions = new Map<string, FunctionDefinition>();

  addTable(name: string, table: CatalogTable, ifNotExists = false): void {
    if (this.tables.has(name)) {
      if (ifNotExists) return;
      throw new PlanError(`Table '${name}' already exists`, { hint: 'Drop it first, or choose another name.' });
    }
    this.tables.set(name, table);
  }

  table(name: string): CatalogTable {
    const t = this.tables.get(name);
    if (!t) {
      throw new PlanError(`Table '${name}' not found; known tables: ${[...this.tables.keys()].sort().join(', ') || '(none)'}`, {
        hint: 'Create it with createTemporaryTable(), createTemporaryView() or CREATE TABLE.',
      }, ErrorCodes.COLUMN_NOT_FOUND);
    }
    return t;
  }

  dropTable(name: string, ifExists = false): boolean {
    if (!this.tables.delete(name) && !ifExists) throw new PlanError(`Table '${name}' does not exist`);
    return true;
  }

  tableNames(): string[] { return [...this.tables.keys()].sort(); }

  /** Whether a table or view of this name exists. */
  hasTable(name: string): boolean { return this.tables.has(name); }

  /** The entry, or undefined (no error). */
  findTable(name: string): CatalogTable | undefined { return this.tables.get(name); }

  addFunction(def: FunctionDefinition, replace = false): void {
    const key = def.name.toLowerCase();
    if (this.functions.has(key) && !replace) {
      throw new PlanError(`Function '${def.name}' is already registered`, { hint: 'Drop it first, or register it under another name.' }, ErrorCodes.FUNCTION_SIGNATURE);
    }
    this.functions.set(key, def);
  }

  /** Case-insensitive lookup, as Flink resolves function names. */
  lookupFunction(name: string): FunctionDefinition | undefined {
    return this.functions.get(name.toLowerCase());
  }

  dropFunction(name: string, ifExists = false): boolean {
    if (!this.functions.delete(name.toLowerCase()) && !ifExists) throw new PlanError(`Function '${name}' does not exist`, {}, ErrorCodes.FUNCTION_NOT_FOUND);
    return true;
  }

  functionNames(): string[] { return [...this.functions.values()].map((f) => f.name).sort(); }
}
