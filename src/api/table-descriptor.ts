import { parseDataType } from '../types/parse-data-type.ts';
import { notNull, type DataType } from '../types/data-type.ts';
import type { DeclaredSchema } from '../types/schema-builder.ts';
import { Schema } from '../types/schema.ts';

export type SchemaLike = Schema | Record<string, DataType | string>;

function isDeclaredSchema(s: SchemaLike | DeclaredSchema): s is DeclaredSchema {
  return !(s instanceof Schema) && (s as { kind?: unknown }).kind === 'declared-schema';
}

export function toSchema(s: SchemaLike): Schema {
  if (s instanceof Schema) return s;
  return new Schema(Object.entries(s).map(([name, t]) => ({ name, type: typeof t === 'string' ? parseDataType(t) : t })));
}

/**
 * A connector table's definition, as Flink's TableDescriptor:
 * `TableDescriptor.forConnector('datagen').schema({ a: 'BIGINT' }).option('number-of-rows', 10).build()`.
 */
export class TableDescriptor {
  /**
   * @param schema the physical columns (what the connector reads and writes)
   * @param declared the schema as declared with `Schema.newBuilder()`, when it has computed columns, a watermark
   *   or a primary key; resolved when the table is registered or read
   */
  private constructor(
    readonly connector: string,
    readonly schema: Schema,
    readonly options: Readonly<Record<string, string>>,
    readonly declared?: DeclaredSchema,
  ) {}

  static forConnector(connector: string): TableDescriptorBuilder {
    return new TableDescriptorBuilder(connector);
  }

  /** @internal */
  static of(connector: string, schema: Schema, options: Record<string, string>, declared?: DeclaredSchema): TableDescriptor {
    return new TableDescriptor(connector, schema, Object.freeze({ ...options }), declared);
  }
}

export class TableDescriptorBuilder {
  private schemaValue: Schema | null = null;
  private declared: DeclaredSchema | undefined;
  private readonly optionValues: Record<string, string> = {};

  constructor(private readonly connector: string) {}

  /**
   * The table's columns: `{ name: type }`, a Schema, or a declared schema with computed columns and a watermark
   * (`Schema.newBuilder().column('ts', 'TIMESTAMP(3)').watermark('ts', "ts - INTERVAL '5' SECOND").build()`).
   */
  schema(schema: SchemaLike | DeclaredSchema): this {
    if (isDeclaredSchema(schema)) {
      const key = new Set(schema.primaryKey ?? []);
      // Primary-key columns are NOT NULL, as in CREATE TABLE.
      this.schemaValue = new Schema(schema.physical.columns.map((c) => (key.has(c.name) ? { ...c, type: notNull(c.type) } : c)));
      const plain = !schema.watermark && !schema.primaryKey && schema.columns.every((c) => c.kind === 'physical');
      this.declared = plain ? undefined : schema;
    } else {
      this.schemaValue = toSchema(schema);
      this.declared = undefined;
    }
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
    return TableDescriptor.of(this.connector, this.schemaValue, this.optionValues, this.declared);
  }
}
