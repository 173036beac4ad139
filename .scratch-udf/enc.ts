import * as arrow from 'apache-arrow';
import { writeFileSync } from 'node:fs';
import { encodeColumns } from '../src/udf/python/codec.ts';
const a = arrow.vectorFromArray(Float64Array.from([1, 2, 3])).data[0];
const c = arrow.vectorFromArray(Float64Array.from([4, 5, 6])).data[0];
const b = encodeColumns([a, a], 3);
console.log(b.byteLength, b.byteOffset, b.buffer.byteLength, a.values.length, a.values.byteOffset, a.type.toString());
writeFileSync('.scratch-udf/enc.arrows', b);
