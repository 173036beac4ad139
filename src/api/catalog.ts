import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';
import type { TableDescriptor } from './table-descriptor.ts';

export type CatalogTable =
  | { readonly kind: 'connector'; readonly descriptor: TableDescriptor }
  | { readonly kind: 'view'; readonly plan: LogicalNode };

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
