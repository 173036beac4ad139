import { ConnectorError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { DataTypes, formatDataType, type DataType, type RowField } from '../../types/data-type.ts';
import type { Schema } from '../../types/schema.ts';
import { IDENTIFIER } from './options.ts';

const ts = DataTypes.TIMESTAMP(3);
const fields = (spec: Record<string, DataType>): RowField[] => Object.entries(spec).map(([name, type]) => DataTypes.FIELD(name, type));

/** The fields of each event row, as in nexmark-flink's `ddl_gen.sql`. */
export const EVENT_FIELDS = {
  person: fields({
    id: DataTypes.BIGINT(), name: DataTypes.STRING(), emailAddress: DataTypes.STRING(), creditCard: DataTypes.STRING(),
    city: DataTypes.STRING(), state: DataTypes.STRING(), dateTime: ts, extra: DataTypes.STRING(),
  }),
  auction: fields({
    id: DataTypes.BIGINT(), itemName: DataTypes.STRING(), description: DataTypes.STRING(), initialBid: DataTypes.BIGINT(),
    reserve: DataTypes.BIGINT(), dateTime: ts, expires: ts, seller: DataTypes.BIGINT(), category: DataTypes.BIGINT(),
    extra: DataTypes.STRING(),
  }),
  bid: fields({
    auction: DataTypes.BIGINT(), bidder: DataTypes.BIGINT(), price: DataTypes.BIGINT(), channel: DataTypes.STRING(),
    url: DataTypes.STRING(), dateTime: ts, extra: DataTypes.STRING(),
  }),
} as const;

export type EventKind = keyof typeof EVENT_FIELDS;

/** The physical columns of the standard nexmark table: `event_type INT` and one ROW per event kind. */
export const NEXMARK_COLUMNS: readonly { name: string; type: DataType }[] = [
  { name: 'event_type', type: DataTypes.INT() },
  ...(['person', 'auction', 'bid'] as const).map((k) => ({ name: k, type: DataTypes.ROW(EVENT_FIELDS[k]) })),
];

/**
 * Checks that the table declares only standard nexmark columns: `event_type INT` and the `person`, `auction`, `bid`
 * rows, each with any subset of its standard fields in any order (matched by name). The generator fills whatever the
 * schema asks for, so a table may leave columns out.
 */
export function checkSchema(schema: Schema): void {
  for (const column of schema.columns) {
    const standard = NEXMARK_COLUMNS.find((c) => c.name === column.name);
    if (!standard) throw schemaError(`column '${column.name}' is not a nexmark column`);
    if (column.type.kind === 'ROW' && standard.type.kind === 'ROW') {
      for (const f of column.type.fields) {
        const std = standard.type.fields.find((s) => s.name === f.name);
        if (!std) throw schemaError(`'${column.name}' has no field '${f.name}'; its fields are ${standard.type.fields.map((s) => s.name).join(', ')}`);
        if (!sameKind(f.type, std.type)) throw schemaError(`field '${column.name}.${f.name}' must be ${formatDataType(std.type)}, not ${formatDataType(f.type)}`);
      }
    } else if (!sameKind(column.type, standard.type)) {
      throw schemaError(`column '${column.name}' must be ${formatDataType(standard.type, true)}, not ${formatDataType(column.type)}`);
    }
  }
}

/** Same type, ignoring nullability and VARCHAR lengths; TIMESTAMP precision up to 3 (stored as milliseconds). */
function sameKind(declared: DataType, standard: DataType): boolean {
  if (standard.kind === 'TIMESTAMP') return declared.kind === 'TIMESTAMP' && declared.precision <= 3;
  return declared.kind === standard.kind;
}

function schemaError(what: string): ConnectorError {
  return new ConnectorError(`Connector '${IDENTIFIER}': ${what}`, {
    hint: 'Declare the table as nexmark-flink does: event_type INT, person ROW<id BIGINT, name VARCHAR, ...>, auction ROW<...>, bid ROW<...> (as in benchmarks/nexmark/q0.sql).',
  }, ErrorCodes.SCHEMA_MISMATCH);
}
