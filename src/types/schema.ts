import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { formatDataType, type DataType } from './data-type.ts';
import { fromArrowType, toArrowType } from './arrow-types.ts';
import { SchemaBuilder } from './schema-builder.ts';

/** One column of a table schema. */
export interface Column {
  readonly name: string;
  readonly type: DataType;
  /**
   * Set on a TIMESTAMP/TIMESTAMP_LTZ column that is a time attribute (Flink's `*ROWTIME*` / `*PROCTIME*`): the
   * column a watermark is declared on, a PROCTIME() column, or a window's `window_time`. Kept by projections that
   * pass the column through unchanged; lost by any computation on it.
   */
  readonly timeAttribute?: 'rowtime' | 'proctime';
}

/**
 * The ordered, immutable column list of a table or operator output. Column names are unique (case-sensitive, as in
 * Flink's default dialect).
 */
export class Schema {
  readonly columns: readonly Column[];
  private readonly index: ReadonlyMap<string, number>;

  constructor(columns: readonly Column[]) {
    const index = new Map<string, number>();
    columns.forEach((c, i) => {
      if (index.has(c.name)) {
        throw new PlanError(`Duplicate column name '${c.name}' in schema [${columns.map((x) => x.name).join(', ')}]`, {
          hint: 'Rename one of the columns with as() or renameColumns().',
        });
      }
      index.set(c.name, i);
    });
    this.columns = Object.freeze([...columns]);
    this.index = index;
  }

  /**
   * A builder for a table's declared schema — physical columns, computed columns and a watermark in SQL — as
   * Flink's `Schema.newBuilder()`; pass the result to `TableDescriptor.forConnector(..).schema(..)`.
   */
  static newBuilder(): SchemaBuilder { return new SchemaBuilder(); }

  static of(columns: Record<string, DataType>): Schema {
    return new Schema(Object.entries(columns).map(([name, type]) => ({ name, type })));
  }

  get names(): string[] { return this.columns.map((c) => c.name); }
  get types(): DataType[] { return this.columns.map((c) => c.type); }
  get length(): number { return this.columns.length; }

  indexOf(name: string): number { return this.index.get(name) ?? -1; }

  /** The index of a column, or a COLUMN_NOT_FOUND error naming the available columns. */
  resolve(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) {
      const near = this.names.find((n) => n.toLowerCase() === name.toLowerCase());
      throw new PlanError(`Column '${name}' not found; available columns: ${this.names.join(', ')}`, {
        hint: near ? `Did you mean '${near}'? Column names are case-sensitive.` : undefined,
      }, ErrorCodes.COLUMN_NOT_FOUND);
    }
    return i;
  }

  column(name: string): Column { return this.columns[this.resolve(name)]; }

  toArrow(): arrow.Schema {
    return new arrow.Schema(this.columns.map((c) => new arrow.Field(c.name, toArrowType(c.type), c.type.nullable)));
  }

  static fromArrow(schema: arrow.Schema): Schema {
    return new Schema(schema.fields.map((f) => ({ name: f.name, type: fromArrowType(f.type, f.nullable) })));
  }

  toString(): string {
    const attribute = (c: Column): string => (c.timeAttribute ? ` *${c.timeAttribute.toUpperCase()}*` : '');
    return `(${this.columns.map((c) => `${c.name} ${formatDataType(c.type)}${attribute(c)}`).join(', ')})`;
  }

  /** Plain data for structured clone across threads. */
  toJSON(): Column[] { return [...this.columns]; }
  static fromJSON(columns: Column[]): Schema { return new Schema(columns); }
}
