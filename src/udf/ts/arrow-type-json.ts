import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { SchemaError } from '../../errors/errors.ts';

/**
 * Arrow types as plain JSON, so a column's exact physical type crosses a thread boundary by structured clone.
 *
 * Why not Weir's DataType: `fromArrowType` folds several Arrow layouts into one logical type (LargeUtf8 → STRING,
 * DateMillisecond → DATE, unsigned ints → signed), and decoding the buffers with the folded type would read them
 * wrongly. This codec keeps the physical type exact, including field names and nullability of nested fields.
 */
export type ArrowTypeJson =
  | { readonly id: 'null' | 'bool' | 'utf8' | 'largeUtf8' | 'binary' | 'largeBinary' }
  | { readonly id: 'int'; readonly signed: boolean; readonly bitWidth: number }
  | { readonly id: 'float'; readonly precision: number }
  | { readonly id: 'decimal'; readonly scale: number; readonly precision: number; readonly bitWidth: number }
  | { readonly id: 'date'; readonly unit: number }
  | { readonly id: 'time'; readonly unit: number; readonly bitWidth: number }
  | { readonly id: 'timestamp'; readonly unit: number; readonly timezone: string | null }
  | { readonly id: 'interval'; readonly unit: number }
  | { readonly id: 'duration'; readonly unit: number }
  | { readonly id: 'fixedSizeBinary'; readonly byteWidth: number }
  | { readonly id: 'list'; readonly child: FieldJson }
  | { readonly id: 'fixedSizeList'; readonly listSize: number; readonly child: FieldJson }
  | { readonly id: 'struct'; readonly children: readonly FieldJson[] }
  | { readonly id: 'map'; readonly child: FieldJson; readonly keysSorted: boolean };

export interface FieldJson {
  readonly name: string;
  readonly type: ArrowTypeJson;
  readonly nullable: boolean;
}

/** Encodes an Arrow type; throws NOT_SUPPORTED for dictionary, union and view types (never produced by Weir). */
export function arrowTypeToJson(type: arrow.DataType): ArrowTypeJson {
  const T = arrow.Type;
  switch (type.typeId) {
    case T.Null: return { id: 'null' };
    case T.Bool: return { id: 'bool' };
    case T.Utf8: return { id: 'utf8' };
    case T.LargeUtf8: return { id: 'largeUtf8' };
    case T.Binary: return { id: 'binary' };
    case T.LargeBinary: return { id: 'largeBinary' };
    case T.Int: { const t = type as arrow.Int; return { id: 'int', signed: t.isSigned, bitWidth: t.bitWidth }; }
    case T.Float: return { id: 'float', precision: (type as arrow.Float).precision };
    case T.Decimal: { const t = type as arrow.Decimal; return { id: 'decimal', scale: t.scale, precision: t.precision, bitWidth: t.bitWidth }; }
    case T.Date: return { id: 'date', unit: (type as arrow.Date_).unit };
    case T.Time: { const t = type as arrow.Time; return { id: 'time', unit: t.unit, bitWidth: t.bitWidth }; }
    case T.Timestamp: { const t = type as arrow.Timestamp; return { id: 'timestamp', unit: t.unit, timezone: t.timezone ?? null }; }
    case T.Interval: return { id: 'interval', unit: (type as arrow.Interval).unit };
    case T.Duration: return { id: 'duration', unit: (type as arrow.Duration).unit };
    case T.FixedSizeBinary: return { id: 'fixedSizeBinary', byteWidth: (type as arrow.FixedSizeBinary).byteWidth };
    case T.List: return { id: 'list', child: fieldToJson(type.children[0]) };
    case T.FixedSizeList: return { id: 'fixedSizeList', listSize: (type as arrow.FixedSizeList).listSize, child: fieldToJson(type.children[0]) };
    case T.Struct: return { id: 'struct', children: type.children.map(fieldToJson) };
    case T.Map: return { id: 'map', child: fieldToJson(type.children[0]), keysSorted: (type as arrow.Map_).keysSorted };
    default:
      throw new SchemaError(`Arrow type ${type} cannot be sent to a TypeScript UDF worker`, {
        hint: 'Dictionary, union and view columns are not supported by TS UDFs; cast the column to a plain type first.',
      }, ErrorCodes.NOT_SUPPORTED);
  }
}

/** Rebuilds the Arrow type encoded by {@link arrowTypeToJson}. */
export function arrowTypeFromJson(json: ArrowTypeJson): arrow.DataType {
  switch (json.id) {
    case 'null': return new arrow.Null();
    case 'bool': return new arrow.Bool();
    case 'utf8': return new arrow.Utf8();
    case 'largeUtf8': return new arrow.LargeUtf8();
    case 'binary': return new arrow.Binary();
    case 'largeBinary': return new arrow.LargeBinary();
    case 'int': return new arrow.Int(json.signed, json.bitWidth as arrow.Int['bitWidth']);
    case 'float': return new arrow.Float(json.precision);
    case 'decimal': return new arrow.Decimal(json.scale, json.precision, json.bitWidth);
    case 'date': return new arrow.Date_(json.unit);
    case 'time': return new arrow.Time(json.unit, json.bitWidth as 32 | 64);
    case 'timestamp': return new arrow.Timestamp(json.unit, json.timezone);
    case 'interval': return new arrow.Interval(json.unit);
    case 'duration': return new arrow.Duration(json.unit);
    case 'fixedSizeBinary': return new arrow.FixedSizeBinary(json.byteWidth);
    case 'list': return new arrow.List(fieldFromJson(json.child));
    case 'fixedSizeList': return new arrow.FixedSizeList(json.listSize, fieldFromJson(json.child));
    case 'struct': return new arrow.Struct(json.children.map(fieldFromJson));
    case 'map': return new arrow.Map_(fieldFromJson(json.child) as arrow.Field<arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>>, json.keysSorted);
  }
}

function fieldToJson(field: arrow.Field): FieldJson {
  return { name: field.name, type: arrowTypeToJson(field.type), nullable: field.nullable };
}

function fieldFromJson(json: FieldJson): arrow.Field {
  return new arrow.Field(json.name, arrowTypeFromJson(json.type), json.nullable);
}
