import { ErrorCodes } from '../errors/weir-error.ts';
import { SchemaError } from '../errors/errors.ts';
import { DataTypes, notNull, type DataType, type RowField } from './data-type.ts';

/**
 * Parses Flink's type syntax: `BIGINT`, `DECIMAL(10, 2) NOT NULL`, `VARCHAR(20)`, `TIMESTAMP(3)`,
 * `TIMESTAMP(3) WITH LOCAL TIME ZONE`, `ARRAY<STRING>`, `MAP<STRING, INT>`, `ROW<a INT, b STRING>`.
 * Throws a SchemaError with code TYPE_UNKNOWN and the position when the text is not a type.
 */
export function parseDataType(text: string): DataType {
  const parser = new TypeParser(text);
  const type = parser.parseType();
  parser.expectEnd();
  return type;
}

const SIMPLE: Record<string, () => DataType> = {
  BOOLEAN: DataTypes.BOOLEAN, BOOL: DataTypes.BOOLEAN,
  TINYINT: DataTypes.TINYINT, SMALLINT: DataTypes.SMALLINT,
  INT: DataTypes.INT, INTEGER: DataTypes.INT, BIGINT: DataTypes.BIGINT,
  FLOAT: DataTypes.FLOAT, REAL: DataTypes.FLOAT, DOUBLE: DataTypes.DOUBLE,
  STRING: DataTypes.STRING, BYTES: DataTypes.BYTES,
  DATE: DataTypes.DATE, NULL: DataTypes.NULL,
};

class TypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseType(): DataType {
    const word = this.word();
    let type: DataType;
    switch (word) {
      case 'DECIMAL': case 'DEC': case 'NUMERIC': {
        const [p, s] = this.optionalInts(2);
        type = DataTypes.DECIMAL(p ?? 10, s ?? 0);
        break;
      }
      case 'VARCHAR': case 'CHAR': {
        const [n] = this.optionalInts(1);
        type = n === undefined ? DataTypes.STRING() : DataTypes.VARCHAR(n);
        break;
      }
      case 'VARBINARY': case 'BINARY':
        this.optionalInts(1);
        type = DataTypes.BYTES();
        break;
      case 'DOUBLE':
        this.optionalWord('PRECISION');
        type = DataTypes.DOUBLE();
        break;
      case 'TIME': {
        this.optionalInts(1);
        type = DataTypes.TIME();
        break;
      }
      case 'TIMESTAMP': {
        const [p] = this.optionalInts(1);
        if (this.optionalWord('WITH')) {
          this.expectWord('LOCAL'); this.expectWord('TIME'); this.expectWord('ZONE');
          type = DataTypes.TIMESTAMP_LTZ(p ?? 6);
        } else {
          if (this.optionalWord('WITHOUT')) { this.expectWord('TIME'); this.expectWord('ZONE'); }
          type = DataTypes.TIMESTAMP(p ?? 6);
        }
        break;
      }
      case 'TIMESTAMP_LTZ': {
        const [p] = this.optionalInts(1);
        type = DataTypes.TIMESTAMP_LTZ(p ?? 6);
        break;
      }
      case 'ARRAY':
        this.expect('<');
        type = DataTypes.ARRAY(this.parseType());
        this.expect('>');
        break;
      case 'MAP': {
        this.expect('<');
        const key = this.parseType();
        this.expect(',');
        const value = this.parseType();
        this.expect('>');
        type = DataTypes.MAP(key, value);
        break;
      }
      case 'ROW':
        type = DataTypes.ROW(this.rowFields());
        break;
      default: {
        const simple = SIMPLE[word];
        if (!simple) this.fail(`unknown type '${word}'`, this.pos - word.length);
        type = simple();
      }
    }
    if (this.optionalWord('NOT')) {
      this.expectWord('NULL');
      return notNull(type);
    }
    this.optionalWord('NULL');
    return type;
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text.slice(this.pos)}'`);
  }

  private rowFields(): RowField[] {
    const close = this.peekChar() === '(' ? ')' : '>';
    this.expect(close === ')' ? '(' : '<');
    const fields: RowField[] = [];
    if (this.peekChar() === close) { this.pos++; return fields; }
    for (;;) {
      const name = this.fieldName();
      const type = this.parseType();
      this.optionalDescription();
      fields.push({ name, type });
      if (this.peekChar() === ',') { this.pos++; continue; }
      this.expect(close);
      return fields;
    }
  }

  private optionalDescription(): void {
    this.skipSpace();
    if (this.text[this.pos] === "'") {
      const end = this.text.indexOf("'", this.pos + 1);
      this.pos = end < 0 ? this.text.length : end + 1;
    }
  }

  private fieldName(): string {
    this.skipSpace();
    if (this.text[this.pos] === '`') {
      let out = '';
      this.pos++;
      while (this.pos < this.text.length) {
        const c = this.text[this.pos++];
        if (c === '`') {
          if (this.text[this.pos] === '`') { out += '`'; this.pos++; continue; }
          return out;
        }
        out += c;
      }
      this.fail('unterminated quoted field name');
    }
    const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a field name');
    this.pos += m[0].length;
    return m[0];
  }

  private word(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a type name');
    this.pos += m[0].length;
    return m[0].toUpperCase();
  }

  private optionalWord(expected: string): boolean {
    this.skipSpace();
    const m = /^[A-Za-z_]+/.exec(this.text.slice(this.pos));
    if (m && m[0].toUpperCase() === expected) { this.pos += m[0].length; return true; }
    return false;
  }

  private expectWord(expected: string): void {
    if (!this.optionalWord(expected)) this.fail(`expected ${expected}`);
  }

  private optionalInts(max: number): (number | undefined)[] {
    if (this.peekChar() !== '(') return [];
    this.pos++;
    const values: number[] = [];
    for (;;) {
      this.skipSpace();
      const m = /^\d+/.exec(this.text.slice(this.pos));
      if (!m) this.fail('expected a number');
      values.push(Number(m[0]));
      this.pos += m[0].length;
      if (this.peekChar() === ',' && values.length < max) { this.pos++; continue; }
      this.expect(')');
      return values;
    }
  }

  private peekChar(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }

  private expect(ch: string): void {
    if (this.peekChar() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private fail(message: string, at = this.pos): never {
    throw new SchemaError(`Cannot parse type '${this.text}': ${message} at position ${at + 1}`, {
      hint: 'Use Flink type syntax such as BIGINT, DECIMAL(10, 2), TIMESTAMP(3), ARRAY<STRING>, ROW<a INT, b STRING>.',
    }, ErrorCodes.TYPE_UNKNOWN);
  }
}
