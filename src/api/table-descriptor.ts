import { parseDataType } from '../types/parse-data-type.ts';
import type { DataType } from '../types/data-type.ts';
import { Schema } from '../types/schema.ts';

export type SchemaLike = Schema | Record<string, DataType | string>;

export function toSchema(s: SchemaLike): Schema {
  if (s instanceof Schema) return s;
  return new Schema(Object.entries(s).map(([name, t]) => ({ name, type: typeof t === 'string' ? parseDataType(t) : t })));
}

/**
 * A connector table's definition, as Flink's TableDescriptor:
 * `TableDescriptor.forConnector('datagen').schema({ a: 'BIGINT' }).option('number-of-rows', 10).build()`.
 */
export class TableDescriptor {
  private constructor(readonly connector: string, readonly schema: Schema, readonly options: Readonly<Record<string, string>>) {}

  static forConnector(connector: string): TableDescriptorBuilder {
    return new TableDescriptorBuilder(connector);
  }

  /** @internal */
  static of(connector: string, schema: Schema, options: Record<string, string>): TableDescriptor {
    return new TableDescriptor(connector, schema, Object.freeze({ ...options }));
  }
}

export class TableDescriptorBuilder {
  private schemaValue: Schema | null = null;
  private readonly optionValues: Record<string, string> = {};

  constructor(private readonly connector: string) {}

  schema(schema: SchemaLike): this {
    this.schemaValue = toSchema(schema);
    return this;
  }

  option(key: string, value: string | number | boolean): this {
    this.optionValues[key] = String(value);
    return this;
  }

  /** Shorthand for `option('format', format)`. */
  format(format: string): this {
    return this.option('format', format);
  }

  build(): TableDescriptor {
    if (!this.schemaValue) throw new TypeError(`TableDescriptor for connector '${this.connector}' needs a schema: call .schema({...}) before .build()`);
    return TableDescriptor.of(this.connector, this.schemaValue, this.optionValues);
  }
}
