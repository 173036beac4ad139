import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { UdfError } from '../../errors/errors.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import { arrowTypeToJson, type ArrowTypeJson } from './arrow-type-json.ts';
import { isNullableValues, type BigIntArray, type TypedArray } from './kernels.ts';

/**
 * Turns what a kernel returned into one `arrow.Data` of the declared result type, `rows` long, or throws
 * UDF_RESULT_TYPE / UDF_RESULT_LENGTH naming the declared type and what came back.
 */
export function toResultColumn(result: unknown, declared: DataType, rows: number, udf: string): arrow.Data {
  const expected = toArrowType(declared);
  let data: arrow.Data;
  if (result instanceof arrow.Vector) {
    data = single(result, expected, declared, udf);
  } else if (result instanceof arrow.Data) {
    data = result;
  } else if (isNullableValues(result)) {
    data = fromTypedArray(result.values, result.validity, expected, declared, rows, udf);
  } else if (ArrayBuffer.isView(result)) {
    data = fromTypedArray(result as TypedArray, null, expected, declared, rows, udf);
  } else if (Array.isArray(result)) {
    checkLength(result.length, rows, udf);
    try {
      data = single(arrow.vectorFromArray(result, expected), expected, declared, udf);
    } catch (e) {
      throw typeError(udf, declared, `an array that cannot be converted (${(e as Error).message})`, e);
    }
  } else {
    throw typeError(udf, declared, describe(result));
  }
  if (!sameLayout(data.type, expected)) throw typeError(udf, declared, `a column of Arrow type ${data.type}`);
  checkLength(data.length, rows, udf);
  // Same layout but possibly other field nullability or child names: relabel with the declared type so the output
  // schema is exactly what the plan promised. No data is touched.
  return data.type === expected ? data : data.clone(expected);
}

function single(vector: arrow.Vector, expected: arrow.DataType, declared: DataType, udf: string): arrow.Data {
  if (vector.data.length === 1) return vector.data[0];
  if (vector.data.length === 0) return arrow.makeData({ type: vector.type, length: 0 } as never);
  // Several chunks: rebuild one contiguous column (rare; kernels normally return one chunk).
  if (!sameLayout(vector.type, expected)) throw typeError(udf, declared, `a column of Arrow type ${vector.type}`);
  const whole = arrow.vectorFromArray([...vector], expected);
  return whole.data.length === 1 ? whole.data[0] : single(whole, expected, declared, udf);
}

function fromTypedArray(values: TypedArray | BigIntArray, validity: Uint8Array | null, expected: arrow.DataType,
  declared: DataType, rows: number, udf: string): arrow.Data {
  const T = arrow.Type;
  const fixedWidth = ![T.Bool, T.Utf8, T.Binary, T.LargeUtf8, T.LargeBinary, T.List, T.Struct, T.Map, T.FixedSizeList, T.Null].includes(expected.typeId);
  const ctor = values.constructor as unknown;
  if (!fixedWidth || (ctor !== expected.ArrayType && !(ctor === Buffer && expected.ArrayType === Uint8Array))) {
    const storage = fixedWidth ? (expected.ArrayType as { name: string }).name : 'none (return a Vector or a JS array)';
    throw typeError(udf, declared, `a ${(ctor as { name: string }).name}; the typed array for this type is ${storage}`);
  }
  const stride = arrow.makeData({ type: expected, length: 0 } as never).stride;
  checkLength(values.length / stride, rows, udf);
  if (validity && validity.length < (rows + 7) >> 3) {
    throw typeError(udf, declared, `a validity bitmap of ${validity.length} bytes for ${rows} rows (needs ${(rows + 7) >> 3})`);
  }
  return arrow.makeData({ type: expected, length: rows, data: values, nullBitmap: validity ?? undefined, nullCount: validity ? -1 : 0 } as never);
}

function checkLength(length: number, rows: number, udf: string): void {
  if (length === rows) return;
  throw new UdfError(ErrorCodes.UDF_RESULT_LENGTH, `TypeScript UDF '${udf}' returned ${length} values for ${rows} input rows`, { udf }, {
    hint: length === 0 && rows > 0
      ? 'Results are moved to the host thread, which empties their buffers: allocate a new result buffer on every call instead of reusing one.'
      : 'A scalar function must return exactly one value per input row (ctx.rows).',
  });
}

function typeError(udf: string, declared: DataType, got: string, cause?: unknown): UdfError {
  return new UdfError(ErrorCodes.UDF_RESULT_TYPE, `TypeScript UDF '${udf}' is declared to return ${formatDataType(declared)} (Arrow ${toArrowType(declared)}) but returned ${got}`, { udf }, {
    cause,
    hint: 'Return an Arrow Vector/Data of the declared type, a typed array of its storage type, nullable(values, validity), or a JS array of values.',
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined (did the kernel forget to return?)';
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}

/** Physical compatibility: equal Arrow types ignoring field nullability and list/map child names. */
export function sameLayout(a: arrow.DataType, b: arrow.DataType): boolean {
  try {
    return JSON.stringify(strip(arrowTypeToJson(a))) === JSON.stringify(strip(arrowTypeToJson(b)));
  } catch {
    return false;
  }
}

function strip(t: ArrowTypeJson): unknown {
  if (t.id === 'struct') return { ...t, children: t.children.map((f) => ({ name: f.name, type: strip(f.type) })) };
  if ('child' in t) return { ...t, child: { type: strip(t.child.type) } };
  return t;
}
