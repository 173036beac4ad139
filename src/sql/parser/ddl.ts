import type {
  ColumnDef, CreateFunctionStatement, CreateTableStatement, CreateViewStatement, DropStatement, Ident, LikeClause,
  PrimaryKeyDef, Query, Statement, TableOption, WatermarkDef,
} from '../ast.ts';
import type { Token } from '../tokens.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr } from './expression.ts';
import { parseQuery } from './query.ts';
import { parseType } from './types.ts';

const LANGUAGES = ['JAVA', 'SCALA', 'PYTHON', 'TYPESCRIPT'] as const;
const LIKE_WHAT = ['ALL', 'CONSTRAINTS', 'GENERATED', 'OPTIONS', 'PARTITIONS', 'WATERMARKS', 'METADATA'];

/** After CREATE: `[TEMPORARY] [SYSTEM] TABLE | VIEW | FUNCTION …`. */
export function createStatement(p: Cursor, start: Token): Statement {
  const temporary = p.acceptWord('TEMPORARY') !== undefined;
  const system = p.acceptWord('SYSTEM');
  if (system && !p.isWord('FUNCTION')) p.expected('FUNCTION after CREATE … SYSTEM');
  if (p.acceptWord('TABLE')) return createTable(p, start, temporary);
  if (p.acceptWord('VIEW')) return createView(p, start, temporary);
  if (p.acceptWord('FUNCTION')) return createFunction(p, start, temporary, system !== undefined);
  return p.expected('TABLE, VIEW or FUNCTION after CREATE');
}

function createTable(p: Cursor, start: Token, temporary: boolean): CreateTableStatement {
  const ifNotExists = p.acceptPhrase('IF NOT EXISTS');
  const name = p.objectName();
  const columns: ColumnDef[] = [];
  const watermarks: WatermarkDef[] = [];
  let primaryKey: PrimaryKeyDef | undefined;
  const setKey = (pk: PrimaryKeyDef): void => {
    if (primaryKey) p.fail('A table can have only one primary key', pk.pos);
    primaryKey = pk;
  };
  const open = p.acceptSymbol('(');
  if (open) {
    do {
      if (p.isWord('WATERMARK') && p.isWord('FOR', 1)) watermarks.push(watermark(p));
      else if (p.isPhrase('PRIMARY KEY') || (p.isWord('CONSTRAINT') && p.isWord('PRIMARY', 2))) setKey(primaryKeyDef(p));
      else {
        const column = columnDef(p);
        columns.push(column.def);
        if (column.key) setKey(column.key);
      }
    } while (p.acceptSymbol(','));
    p.expectClose(open, 'column list');
  }
  const comment = p.acceptWord('COMMENT') ? p.string('the table comment') : undefined;
  let partitionedBy: Ident[] = [];
  if (p.acceptWord('PARTITIONED')) {
    p.expectWord('BY', 'after PARTITIONED');
    partitionedBy = p.identifierList('PARTITIONED BY list');
  }
  const options = p.acceptWord('WITH') ? tableOptions(p) : [];
  const like = p.acceptWord('LIKE') ? likeClause(p) : undefined;
  let asQuery: Query | undefined;
  if (p.acceptWord('AS')) asQuery = parseQuery(p);
  if (!open && !asQuery && !like) p.expected("'(' and the column list", `after the table name '${name.parts.join('.')}'`);
  return {
    kind: 'createTable', name, temporary, ifNotExists, columns, watermarks, ...(primaryKey ? { primaryKey } : {}),
    ...(comment !== undefined ? { comment } : {}), partitionedBy, options, ...(like ? { like } : {}),
    ...(asQuery ? { asQuery } : {}), pos: start.pos,
  };
}

/** A physical, computed (`name AS expr`) or metadata (`name TYPE METADATA …`) column. */
function columnDef(p: Cursor): { def: ColumnDef; key?: PrimaryKeyDef } {
  const name = p.identifier('a column name');
  if (p.acceptWord('AS')) {
    const expr = parseExpr(p);
    const comment = optionalComment(p);
    return { def: { kind: 'computedColumn', name, expr, ...comment, pos: name.pos } };
  }
  if (p.isSymbol(',') || p.isSymbol(')')) p.expected(`a data type for column '${name.name}'`);
  const type = parseType(p);
  if (p.acceptWord('METADATA')) {
    const from = p.acceptWord('FROM') ? p.string('the metadata key') : undefined;
    const virtual = p.acceptWord('VIRTUAL') !== undefined;
    const comment = optionalComment(p);
    return { def: { kind: 'metadataColumn', name, type, ...(from !== undefined ? { from } : {}), virtual, ...comment, pos: name.pos } };
  }
  let key: PrimaryKeyDef | undefined;
  const keyTok = p.peek();
  if (p.acceptPhrase('PRIMARY KEY')) key = { columns: [name], enforced: !p.acceptPhrase('NOT ENFORCED'), pos: keyTok.pos };
  const comment = optionalComment(p);
  return { def: { kind: 'physicalColumn', name, type, ...comment, pos: name.pos }, ...(key ? { key } : {}) };
}

function optionalComment(p: Cursor): { comment?: string } {
  return p.acceptWord('COMMENT') ? { comment: p.string('the comment text') } : {};
}

/** `WATERMARK FOR col AS expr`. */
function watermark(p: Cursor): WatermarkDef {
  const start = p.next();
  p.next();
  const first = p.identifier('the time column of the watermark');
  const column = [first.name];
  while (p.acceptSymbol('.')) column.push(p.identifier('a field name').name);
  p.expectWord('AS', `after WATERMARK FOR ${column.join('.')}`, `Write WATERMARK FOR ${column.join('.')} AS ${column.join('.')} - INTERVAL '5' SECOND.`);
  return { column, expr: parseExpr(p), pos: start.pos };
}

/** `[CONSTRAINT name] PRIMARY KEY (a, b) [NOT ENFORCED]`. */
function primaryKeyDef(p: Cursor): PrimaryKeyDef {
  const start = p.peek();
  const name = p.acceptWord('CONSTRAINT') ? p.identifier('a constraint name').name : undefined;
  p.expectPhrase('PRIMARY KEY', 'in the table constraint');
  const columns = p.identifierList('primary key column list');
  const enforced = !p.acceptPhrase('NOT ENFORCED');
  return { ...(name ? { name } : {}), columns, enforced, pos: start.pos };
}

/** `('key' = 'value', …)`. */
function tableOptions(p: Cursor): TableOption[] {
  const open = p.expectSymbol('(', 'after WITH', "Table options are written WITH ('connector' = 'datagen', …).");
  const out: TableOption[] = [];
  if (p.acceptSymbol(')')) return out;
  const hint = "Option keys and values are single-quoted strings: 'connector' = 'datagen'.";
  do {
    const pos = p.pos;
    if (p.peek().kind !== 'string') p.expected('an option key string', undefined, hint);
    const key = p.next().value;
    p.expectSymbol('=', `after the option key '${key}'`);
    if (p.peek().kind !== 'string') p.expected(`a string value for option '${key}'`, undefined, hint);
    out.push({ key, value: p.next().value, pos });
  } while (p.acceptSymbol(','));
  p.expectClose(open, 'WITH options');
  return out;
}

function likeClause(p: Cursor): LikeClause {
  const table = p.objectName('the table to copy the schema from');
  const options: { mode: 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING'; what: string }[] = [];
  const open = p.acceptSymbol('(');
  if (open) {
    while (p.isWord(['INCLUDING', 'EXCLUDING', 'OVERWRITING'])) {
      const mode = p.next().upper as 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING';
      if (!p.isWord(LIKE_WHAT)) p.expected(`one of ${LIKE_WHAT.join(', ')} after ${mode}`);
      options.push({ mode, what: p.next().upper });
    }
    p.expectClose(open, 'LIKE options');
  }
  return { table, options };
}

function createView(p: Cursor, start: Token, temporary: boolean): CreateViewStatement {
  const ifNotExists = p.acceptPhrase('IF NOT EXISTS');
  const name = p.objectName('a view name');
  const columns = p.isSymbol('(') ? p.identifierList('view column list') : undefined;
  const comment = p.acceptWord('COMMENT') ? p.string('the view comment') : undefined;
  p.expectWord('AS', `after the view name '${name.parts.join('.')}'`, 'Write CREATE VIEW name AS SELECT ….');
  const query = parseQuery(p);
  return {
    kind: 'createView', name, temporary, ifNotExists, ...(columns ? { columns } : {}),
    ...(comment !== undefined ? { comment } : {}), query, pos: start.pos,
  };
}

function createFunction(p: Cursor, start: Token, temporary: boolean, system: boolean): CreateFunctionStatement {
  const ifNotExists = p.acceptPhrase('IF NOT EXISTS');
  const name = p.objectName('a function name');
  p.expectWord('AS', `after the function name '${name.parts.join('.')}'`, "Write CREATE FUNCTION name AS 'module.function'.");
  const identifier = p.string("the function's implementation ('module.function' or a class name)");
  let language: CreateFunctionStatement['language'];
  if (p.acceptWord('LANGUAGE')) {
    if (!p.isWord(LANGUAGES)) p.expected(`a language (${LANGUAGES.join(', ')})`);
    language = p.next().upper as CreateFunctionStatement['language'];
  }
  return { kind: 'createFunction', name, temporary, system, ifNotExists, identifier, ...(language ? { language } : {}), pos: start.pos };
}

/** After DROP: `[TEMPORARY] [SYSTEM] TABLE | VIEW | FUNCTION [IF EXISTS] name`. */
export function dropStatement(p: Cursor, start: Token): DropStatement {
  const temporary = p.acceptWord('TEMPORARY') !== undefined;
  const system = p.acceptWord('SYSTEM') !== undefined;
  if (!p.isWord(['TABLE', 'VIEW', 'FUNCTION'])) p.expected('TABLE, VIEW or FUNCTION after DROP');
  const objectType = p.next().upper as DropStatement['objectType'];
  if (system && objectType !== 'FUNCTION') p.fail('Only functions can be SYSTEM objects', start);
  const ifExists = p.acceptPhrase('IF EXISTS');
  const name = p.objectName(`a ${objectType.toLowerCase()} name`);
  return { kind: 'drop', objectType, name, temporary, system, ifExists, pos: start.pos };
}
