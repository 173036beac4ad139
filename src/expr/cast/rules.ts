import { isNumericType, type DataType } from '../../types/data-type.ts';

/**
 * Which explicit CASTs exist (Flink's LogicalTypeCasts, explicit column): numeric and BOOLEAN among themselves,
 * STRING to and from every primitive type, BYTES and STRING, temporal types among themselves, and structured
 * types element-wise; ARRAY, MAP and ROW may also be rendered as STRING. Anything else is a plan-time TYPE_MISMATCH.
 */
export function canCast(from: DataType, to: DataType): boolean {
  if (from.kind === 'NULL') return true;
  if (to.kind === 'NULL') return false;
  const f = from.kind;
  const t = to.kind;
  if (f === t && f !== 'ARRAY' && f !== 'MAP' && f !== 'ROW') return true;
  const numericOrBool = (x: DataType): boolean => isNumericType(x) || x.kind === 'BOOLEAN';
  if (numericOrBool(from) && numericOrBool(to)) return true;
  if (t === 'STRING') return true;
  if (f === 'STRING') return t !== 'ARRAY' && t !== 'MAP' && t !== 'ROW';
  const temporal = new Set(['DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_LTZ']);
  if (temporal.has(f) && temporal.has(t)) {
    // DATE and TIME share no fields, so neither converts to the other.
    return !((f === 'DATE' && t === 'TIME') || (f === 'TIME' && t === 'DATE'));
  }
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') return canCast(from.element, to.element);
  if (from.kind === 'MAP' && to.kind === 'MAP') return canCast(from.key, to.key) && canCast(from.value, to.value);
  if (from.kind === 'ROW' && to.kind === 'ROW') {
    return from.fields.length === to.fields.length && from.fields.every((x, i) => canCast(x.type, to.fields[i].type));
  }
  return false;
}
