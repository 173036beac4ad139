import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../errors/weir-error.ts';
import { SchemaError } from '../errors/errors.ts';
import { DataTypes, withNullable, type DataType } from './data-type.ts';

/** The Arrow type a Weir type is stored as (docs/protocol.md, "Types"). */
export function toArrowType(type: DataType): arrow.DataType {
  switch (type.kind) {
    case 'BOOLEAN': return new arrow.Bool();
    case 'TINYINT': return new arrow.Int8();
    case 'SMALLINT': return new arrow.Int16();
    case 'INT': return new arrow.Int32();
    case 'BIGINT': return new arrow.Int64();
    case 'FLOAT': return new arrow.Float32();
    case 'DOUBLE': return new arrow.Float64();
    case 'DECIMAL': return new arrow.Decimal(type.scale, type.precision, 128);
    case 'STRING': return new arrow.Utf8();
    case 'BYTES': return new arrow.Binary();
    case 'DATE': return new arrow.DateDay();
    case 'TIME': return new arrow.TimeMillisecond();
    case 'TIMESTAMP': return new arrow.Timestamp(timeUnitFor(type.precision));
    case 'TIMESTAMP_LTZ': return new arrow.Timestamp(timeUnitFor(type.precision), 'UTC');
    case 'ARRAY': return new arrow.List(new arrow.Field('item', toArrowType(type.element), type.element.nullable));
    case 'MAP':
      return new arrow.Map_(new arrow.Field('entries', new arrow.Struct([
        new arrow.Field('key', toArrowType(type.key), false),
        new arrow.Field('value', toArrowType(type.value), type.value.nullable),
      ] as never), false));
    case 'ROW': return new arrow.Struct(type.fields.map((f) => new arrow.Field(f.name, toArrowType(f.type), f.type.nullable)));
    case 'NULL': return new arrow.Null();
  }
}

function timeUnitFor(precision: number): arrow.TimeUnit {
  if (precision <= 3) return arrow.TimeUnit.MILLISECOND;
  if (precision <= 6) return arrow.TimeUnit.MICROSECOND;
  return arrow.TimeUnit.NANOSECOND;
}

/** The Weir type of an Arrow field, for reading Arrow IPC files and UDF results. */
export function fromArrowType(type: arrow.DataType, nullable = true): DataType {
  return withNullable(fromArrowBase(type), nullable);
}

function fromArrowBase(type: arrow.DataType): DataType {
  const A = arrow.DataType;
  if (A.isBool(type)) return DataTypes.BOOLEAN();
  if (A.isInt(type)) {
    const bits = (type as arrow.Int).bitWidth;
    return bits === 8 ? DataTypes.TINYINT() : bits === 16 ? DataTypes.SMALLINT() : bits === 32 ? DataTypes.INT() : DataTypes.BIGINT();
  }
  if (A.isFloat(type)) return (type as arrow.Float).precision === arrow.Precision.SINGLE ? DataTypes.FLOAT() : DataTypes.DOUBLE();
  if (A.isUtf8(type) || A.isLargeUtf8(type)) return DataTypes.STRING();
  if (A.isBinary(type) || A.isLargeBinary(type)) return DataTypes.BYTES();
  if (A.isDecimal(type)) { const d = type as arrow.Decimal; return DataTypes.DECIMAL(d.precision, d.scale); }
  if (A.isDate(type)) return DataTypes.DATE();
  if (A.isTime(type)) return DataTypes.TIME();
  if (A.isTimestamp(type)) {
    const ts = type as arrow.Timestamp;
    const precision = [0, 3, 6, 9][ts.unit];
    return ts.timezone ? DataTypes.TIMESTAMP_LTZ(precision) : DataTypes.TIMESTAMP(precision);
  }
  if (A.isList(type)) { const l = type as arrow.List; return DataTypes.ARRAY(fromArrowType(l.children[0].type, l.children[0].nullable)); }
  if (A.isStruct(type)) {
    const s = type as arrow.Struct;
    return DataTypes.ROW(s.children.map((f) => ({ name: f.name, type: fromArrowType(f.type, f.nullable) })));
  }
  if (A.isMap(type)) {
    const m = type as arrow.Map_;
    const [k, v] = m.children[0].type.children;
    return DataTypes.MAP(fromArrowType(k.type, false), fromArrowType(v.type, v.nullable));
  }
  if (A.isNull(type)) return DataTypes.NULL();
  throw new SchemaError(`Arrow type ${type} has no Weir equivalent`, {
    hint: 'Cast the column to a supported type before it reaches Weir.',
  }, ErrorCodes.TYPE_UNKNOWN);
}
