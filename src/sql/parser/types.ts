import { DataTypes, notNull, type DataType, type RowField } from '../../types/data-type.ts';
import type { Token } from '../tokens.ts';
import type { Cursor } from './cursor.ts';

const TYPE_HINT = 'Use a Flink type such as INT, BIGINT, DOUBLE, DECIMAL(10, 2), STRING, VARCHAR(20), BOOLEAN, DATE, TIMESTAMP(3), TIMESTAMP_LTZ(3), ARRAY<T>, MAP<K, V>, ROW<a INT, b STRING>.';

const SIMPLE: Record<string, () => DataType> = {
  BOOLEAN: DataTypes.BOOLEAN, BOOL: DataTypes.BOOLEAN,
  TINYINT: DataTypes.TINYINT, SMALLINT: DataTypes.SMALLINT, INT: DataTypes.INT, INTEGER: DataTypes.INT,
  BIGINT: DataTypes.BIGINT, FLOAT: DataTypes.FLOAT, REAL: DataTypes.FLOAT,
  STRING: DataTypes.STRING, BYTES: DataTypes.BYTES, DATE: DataTypes.DATE, NULL: DataTypes.NULL,
};

/**
 * Parses a data type from tokens, with the grammar (and defaults) of src/types/parse-data-type.ts: TIMESTAMP
 * defaults to precision 6, DECIMAL to (10, 0), VARCHAR / CHAR without a length to STRING. A trailing NOT NULL
 * makes the type non-nullable.
 */
export function parseType(p: Cursor): DataType {
  const t = p.peek();
  if (t.kind !== 'word') p.expected('a data type', undefined, TYPE_HINT);
  p.next();
  let type = baseType(p, t);
  if (p.isPhrase('NOT NULL')) {
    p.next(); p.next();
    type = notNull(type);
  } else if (p.isWord('NULL')) p.next();
  return type;
}

function baseType(p: Cursor, t: Token): DataType {
  switch (t.upper) {
    case 'DECIMAL': case 'DEC': case 'NUMERIC': {
      const [precision, scale] = ints(p, 2);
      return checked(p, t, () => DataTypes.DECIMAL(precision ?? 10, scale ?? 0));
    }
    case 'VARCHAR': case 'CHAR': case 'CHARACTER': {
      if (t.upper === 'CHARACTER') p.acceptWord('VARYING');
      const [n] = ints(p, 1);
      return n === undefined ? DataTypes.STRING() : DataTypes.VARCHAR(n);
    }
    case 'BINARY': case 'VARBINARY':
      ints(p, 1);
      return DataTypes.BYTES();
    case 'DOUBLE':
      p.acceptWord('PRECISION');
      return DataTypes.DOUBLE();
    case 'TIME':
      ints(p, 1);
      if (p.acceptWord('WITHOUT')) p.expectPhrase('TIME ZONE', 'after TIME ... WITHOUT');
      return DataTypes.TIME();
    case 'TIMESTAMP': {
      const [precision] = ints(p, 1);
      if (p.acceptWord('WITH')) {
        p.expectPhrase('LOCAL TIME ZONE', 'in TIMESTAMP WITH LOCAL TIME ZONE');
        return checked(p, t, () => DataTypes.TIMESTAMP_LTZ(precision ?? 6));
      }
      if (p.acceptWord('WITHOUT')) p.expectPhrase('TIME ZONE', 'after TIMESTAMP ... WITHOUT');
      return checked(p, t, () => DataTypes.TIMESTAMP(precision ?? 6));
    }
    case 'TIMESTAMP_LTZ': {
      const [precision] = ints(p, 1);
      return checked(p, t, () => DataTypes.TIMESTAMP_LTZ(precision ?? 6));
    }
    case 'ARRAY': {
      const open = p.expectSymbol('<', 'after ARRAY', 'Array types are written ARRAY<element type>.');
      const element = parseType(p);
      p.expectClose(open, 'ARRAY type', '>');
      return DataTypes.ARRAY(element);
    }
    case 'MAP': {
      const open = p.expectSymbol('<', 'after MAP', 'Map types are written MAP<key type, value type>.');
      const key = parseType(p);
      p.expectSymbol(',', 'between the MAP key and value types');
      const value = parseType(p);
      p.expectClose(open, 'MAP type', '>');
      return DataTypes.MAP(key, value);
    }
    case 'ROW':
      return DataTypes.ROW(rowFields(p));
    default: {
      const simple = SIMPLE[t.upper];
      if (!simple) p.fail(`Unknown data type '${t.value}'`, t, TYPE_HINT);
      return simple();
    }
  }
}

/** `<a INT, b STRING 'description'>` or `(a INT, b STRING)`. */
function rowFields(p: Cursor): RowField[] {
  const angle = p.isSymbol('<');
  const open = angle ? p.next() : p.expectSymbol('(', 'after ROW', 'Row types are written ROW<name TYPE, ...>.');
  const close = angle ? '>' : ')';
  const fields: RowField[] = [];
  if (p.acceptSymbol(close)) return fields;
  do {
    const name = p.identifier('a field name').name;
    const type = parseType(p);
    if (p.peek().kind === 'string') p.next(); // a field description: documentation only
    fields.push(DataTypes.FIELD(name, type));
  } while (p.acceptSymbol(','));
  p.expectClose(open, 'ROW type', close);
  return fields;
}

/** Optional `(n [, m])` of non-negative integers, up to `max` of them. */
function ints(p: Cursor, max: number): (number | undefined)[] {
  const open = p.acceptSymbol('(');
  if (!open) return [];
  const out: number[] = [];
  do {
    const t = p.peek();
    if (t.kind !== 'number' || !/^[0-9]+$/.test(t.value)) p.expected('an integer type parameter');
    out.push(Number(p.next().value));
  } while (out.length < max && p.acceptSymbol(','));
  p.expectClose(open, 'type parameters');
  return out;
}

/** Runs a DataTypes builder, turning its range errors (DECIMAL(50, 2)) into parse errors at the type. */
function checked(p: Cursor, t: Token, build: () => DataType): DataType {
  try {
    return build();
  } catch (e) {
    return p.fail(`Invalid type ${t.value}: ${(e as Error).message}`, t);
  }
}
