import type { DataType } from '../../types/data-type.ts';
import { formatDecimal } from '../decimal.ts';
import { formatDate, formatTime, formatTimestamp, tsToMillis, unitsPerMilli } from '../temporal/calendar.ts';
import { zoneOffsetMillis } from '../temporal/zone.ts';
import type { Scalar } from '../eval/values.ts';
import { decodeUtf8 } from '../eval/utf8.ts';
import { javaDouble as javaDoubleString, javaFloat as javaFloatString } from '../../batch/values/java-text.ts';

/**
 * SQL text of internal values, as Flink's CAST(x AS STRING): TRUE/FALSE, Java's Double.toString for
 * approximate numbers ('1.0', '1.0E10'), exact decimal digits, ISO-like temporal text, [..] for arrays,
 * {k=v} for maps and (..) for rows.
 */
export function valueToString(value: Scalar, type: DataType, timeZone: string): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type.kind) {
    case 'BOOLEAN': return value ? 'TRUE' : 'FALSE';
    case 'TINYINT': case 'SMALLINT': case 'INT': case 'BIGINT': return String(value);
    case 'FLOAT': return javaFloatString(value as number);
    case 'DOUBLE': return javaDoubleString(value as number);
    case 'DECIMAL': return formatDecimal(value as bigint, type.scale);
    case 'STRING': return value as string;
    case 'BYTES': { const b = value as Uint8Array; return decodeUtf8(b, 0, b.length); }
    case 'DATE': return formatDate(value as number);
    case 'TIME': return formatTime(value as number);
    case 'TIMESTAMP': return formatTimestamp(value as bigint, type.precision);
    case 'TIMESTAMP_LTZ': {
      const v = value as bigint;
      const offset = zoneOffsetMillis(timeZone, tsToMillis(v, type.precision));
      return formatTimestamp(v + BigInt(offset) * unitsPerMilli(type.precision), type.precision);
    }
    case 'ARRAY': return `[${(value as Scalar[]).map((v) => valueToString(v, type.element, timeZone)).join(', ')}]`;
    case 'MAP': {
      const parts: string[] = [];
      for (const [k, v] of value as Map<Scalar, Scalar>) parts.push(`${valueToString(k, type.key, timeZone)}=${valueToString(v, type.value, timeZone)}`);
      return `{${parts.join(', ')}}`;
    }
    case 'ROW': return `(${(value as Scalar[]).map((v, i) => valueToString(v, type.fields[i].type, timeZone)).join(', ')})`;
    case 'NULL': return 'NULL';
  }
}

/** Java's Double.toString and Float.toString, shared with the print format (one implementation). */
export { javaDoubleString, javaFloatString };

