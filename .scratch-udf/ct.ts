import * as arrow from 'apache-arrow';
const t = arrow.tableFromIPC(arrow.tableToIPC(arrow.tableFromArrays({ x: Float64Array.from([1]) }), 'stream'));
const got = t.schema.fields[0].type;
console.log(got.typeId, new arrow.Float64().typeId, arrow.util.compareTypes(new arrow.Float64(), got), arrow.util.compareTypes(got, new arrow.Float64()));
console.log(String(arrow.util.compareTypes));
