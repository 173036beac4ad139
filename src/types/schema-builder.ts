import type { DataType } from './data-type.ts';
import { parseDataType } from './parse-data-type.ts';
import { Schema } from './schema.ts';

/** One declared column: physical (a type) or computed (an SQL expression over the other columns). */
export type DeclaredColumn =
  | { readonly kind: 'physical'; readonly name: string; readonly type: DataType }
  | { readonly kind: 'computed'; readonly name: string; readonly sql: string };

/**
 * A table schema as declared, before resolution (Flink's unresolved `Schema`): physical columns, computed columns
 * and a watermark written in SQL, and a primary key. The expressions are bound when the table is registered
 * (`createTemporaryTable`) or read (`from(descriptor)`), exactly as CREATE TABLE binds them.
 */
export interface DeclaredSchema {
  readonly kind: 'declared-schema';
  /** The physical columns: what the connector reads and writes. */
  readonly physical: Schema;
  /** Every column in declared order. */
  readonly columns: readonly DeclaredColumn[];
  /** `WATERMARK FOR column AS sql`. */
  readonly watermark?: { readonly column: string; readonly sql: string };
  readonly primaryKey?: readonly string[];
}

/**
 * Builds a {@link DeclaredSchema}, as Flink's `Schema.newBuilder()` / PyFlink's `Schema.new_builder()`:
 *
 * @example
 * Schema.newBuilder()
 *   .column('id', 'BIGINT')
 *   .column('ts', 'TIMESTAMP(3)')
 *   .watermark('ts', "ts - INTERVAL '5' SECOND")
 *   .columnByExpression('pt', 'PROCTIME()')
 *   .build()
 */
export class SchemaBuilder {
  private readonly columns: DeclaredColumn[] = [];
  private watermarkDecl?: { column: string; sql: string };
  private key?: string[];

  /** A physical column; the type is a DataType or SQL text such as `'DECIMAL(10, 2) NOT NULL'`. */
  column(name: string, type: DataType | string): this {
    this.columns.push({ kind: 'physical', name, type: typeof type === 'string' ? parseDataType(type) : type });
    return this;
  }

  /** A computed column: an SQL expression over the other columns, e.g. `'price * quantity'` or `'PROCTIME()'`. */
  columnByExpression(name: string, sql: string): this {
    this.columns.push({ kind: 'computed', name, sql });
    return this;
  }

  /** The rowtime column and its watermark strategy in SQL, e.g. `watermark('ts', "ts - INTERVAL '5' SECOND")`. */
  watermark(column: string, sql: string): this {
    if (this.watermarkDecl) throw new TypeError(`A schema can declare only one watermark (already on '${this.watermarkDecl.column}')`);
    this.watermarkDecl = { column, sql };
    return this;
  }

  /** A primary key (NOT ENFORCED, as in Flink): its columns become NOT NULL. */
  primaryKey(...columns: string[]): this {
    this.key = columns;
    return this;
  }

  build(): DeclaredSchema {
    const physical = this.columns.filter((c): c is Extract<DeclaredColumn, { kind: 'physical' }> => c.kind === 'physical');
    if (physical.length === 0) throw new TypeError('A schema needs at least one physical column: call .column(name, type)');
    return {
      kind: 'declared-schema',
      physical: new Schema(physical.map((c) => ({ name: c.name, type: c.type }))),
      columns: [...this.columns],
      watermark: this.watermarkDecl,
      primaryKey: this.key,
    };
  }
}
