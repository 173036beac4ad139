import type { ExplainStatement, InsertStatement, ObjectName, SqlExpr, Statement, StatementSetStatement } from '../ast.ts';
import type { Token } from '../tokens.ts';
import type { Cursor } from './cursor.ts';
import { createStatement, dropStatement } from './ddl.ts';
import { parseExpr } from './expression.ts';
import { isNestedQueryStart, parseQuery } from './query.ts';
import { editDistance } from '../../util/edit-distance.ts';

const STATEMENT_WORDS = ['SELECT', 'WITH', 'VALUES', 'INSERT', 'CREATE', 'DROP', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'SET', 'RESET', 'EXECUTE', 'BEGIN'];
const SHOW_WHAT = ['TABLES', 'VIEWS', 'FUNCTIONS', 'USER FUNCTIONS', 'CATALOGS', 'DATABASES', 'MODULES', 'FULL MODULES', 'JOBS', 'CURRENT CATALOG', 'CURRENT DATABASE'];
const EXPLAIN_DETAILS = ['ESTIMATED_COST', 'CHANGELOG_MODE', 'JSON_EXECUTION_PLAN', 'PLAN_ADVICE'];

/** Statements separated by `;`; empty statements are skipped. */
export function parseStatementList(p: Cursor): Statement[] {
  const out: Statement[] = [];
  for (;;) {
    while (p.acceptSymbol(';'));
    if (p.atEnd) return out;
    out.push(parseStatement(p));
    if (!p.atEnd) p.expectSymbol(';', 'or end of input after the statement', endHint(p.peek()));
  }
}

function endHint(t: Token): string | undefined {
  if (t.kind === 'word' && STATEMENT_WORDS.includes(t.upper)) return "Separate statements with ';'.";
  return undefined;
}

/** One statement, starting at the cursor. */
export function parseStatement(p: Cursor): Statement {
  const t = p.peek();
  if (isNestedQueryStart(p)) return { kind: 'query', query: parseQuery(p), pos: t.pos };
  if (t.kind === 'word') {
    switch (t.upper) {
      case 'CREATE': p.next(); return createStatement(p, t);
      case 'DROP': p.next(); return dropStatement(p, t);
      case 'INSERT': return insert(p, t, false);
      case 'SHOW': return show(p, t);
      case 'DESCRIBE': case 'DESC': p.next(); return { kind: 'describe', name: p.objectName(), pos: t.pos };
      case 'EXPLAIN': return explain(p, t);
      case 'SET': return set(p, t);
      case 'RESET': {
        p.next();
        const key = p.peek().kind === 'string' ? p.next().value : undefined;
        return { kind: 'reset', ...(key !== undefined ? { key } : {}), pos: t.pos };
      }
      case 'EXECUTE': return execute(p, t);
      case 'BEGIN':
        if (p.isWord('STATEMENT', 1)) return beginStatementSet(p, t);
        break;
      default: break;
    }
  }
  return p.expected('a statement (SELECT, INSERT, CREATE, DROP, SHOW, DESCRIBE, EXPLAIN, SET, RESET, EXECUTE)', undefined, suggestion(t));
}

/** "Did you mean SELECT?" for a misspelt statement keyword. */
function suggestion(t: Token): string | undefined {
  if (t.kind !== 'word') return undefined;
  const best = STATEMENT_WORDS.find((w) => editDistance(w, t.upper) <= Math.max(1, Math.floor(w.length / 4)));
  return best ? `Did you mean ${best}?` : undefined;
}


/** `INSERT INTO | OVERWRITE [TABLE] t [PARTITION (k = v, …)] [(cols)] query`. */
function insert(p: Cursor, start: Token, execute: boolean): InsertStatement {
  p.expectWord('INSERT');
  const overwrite = p.acceptWord('OVERWRITE') !== undefined;
  if (!overwrite) p.expectWord('INTO', 'after INSERT', 'Write INSERT INTO table SELECT … or INSERT OVERWRITE table SELECT ….');
  p.acceptWord('TABLE');
  const table: ObjectName = p.objectName('the target table name');
  let partition: { column: { name: string; pos: Token['pos'] }; value: SqlExpr }[] | undefined;
  if (p.acceptWord('PARTITION')) {
    const open = p.expectSymbol('(', 'after PARTITION');
    partition = [];
    do {
      const column = p.identifier('a partition column');
      p.expectSymbol('=', `after the partition column '${column.name}'`);
      partition.push({ column, value: parseExpr(p) });
    } while (p.acceptSymbol(','));
    p.expectClose(open, 'PARTITION spec');
  }
  const columns = p.isSymbol('(') && !isNestedQueryStart(p) ? p.identifierList('target column list') : undefined;
  if (!isNestedQueryStart(p)) p.expected('a query (SELECT or VALUES)', `to insert into '${table.parts.join('.')}'`);
  const query = parseQuery(p);
  return {
    kind: 'insert', overwrite, table, ...(partition ? { partition } : {}), ...(columns ? { columns } : {}), query, execute,
    pos: start.pos,
  };
}

function show(p: Cursor, start: Token): Statement {
  p.next();
  const what = SHOW_WHAT.find((w) => p.isPhrase(w));
  if (!what) return p.expected(`what to show (${SHOW_WHAT.join(', ')})`);
  p.acceptPhrase(what);
  return { kind: 'show', what, pos: start.pos };
}

function explain(p: Cursor, start: Token): ExplainStatement {
  p.next();
  const planFor = p.acceptPhrase('PLAN FOR');
  const details: string[] = [];
  if (!planFor && p.isWord(EXPLAIN_DETAILS)) {
    do {
      if (!p.isWord(EXPLAIN_DETAILS)) p.expected(`an EXPLAIN detail (${EXPLAIN_DETAILS.join(', ')})`);
      details.push(p.next().upper);
    } while (p.acceptSymbol(','));
  }
  const statement = p.isPhrase('STATEMENT SET') ? statementSetBlock(p, p.peek(), 'BARE') : parseStatement(p);
  if (statement.kind !== 'query' && statement.kind !== 'insert' && statement.kind !== 'statementSet') {
    p.fail('EXPLAIN takes a query, an INSERT or a statement set', statement.pos);
  }
  return { kind: 'explain', details, planFor, statement, pos: start.pos };
}

/** `SET` alone, or `SET 'key' = 'value'`. */
function set(p: Cursor, start: Token): Statement {
  p.next();
  if (p.atEnd || p.isSymbol(';')) return { kind: 'set', pos: start.pos };
  const hint = "Keys and values are single-quoted: SET 'parallelism.default' = '4'.";
  if (p.peek().kind !== 'string') p.expected('a quoted configuration key', 'after SET', hint);
  const key = p.next().value;
  p.expectSymbol('=', `after the key '${key}'`);
  if (p.peek().kind !== 'string') p.expected(`a quoted value for '${key}'`, undefined, hint);
  return { kind: 'set', key, value: p.next().value, pos: start.pos };
}

/** `EXECUTE STATEMENT SET BEGIN …; END`, `EXECUTE INSERT …` or `EXECUTE SELECT …`. */
function execute(p: Cursor, start: Token): Statement {
  p.next();
  if (p.isPhrase('STATEMENT SET')) return statementSetBlock(p, start, 'EXECUTE');
  if (p.isWord('INSERT')) return insert(p, start, true);
  if (isNestedQueryStart(p)) return { kind: 'query', query: parseQuery(p), execute: true, pos: start.pos };
  return p.expected('STATEMENT SET, INSERT or a query after EXECUTE');
}

/** `STATEMENT SET BEGIN insert; insert; END`, the cursor on STATEMENT. */
function statementSetBlock(p: Cursor, start: Token, syntax: StatementSetStatement['syntax']): StatementSetStatement {
  p.expectPhrase('STATEMENT SET');
  const begin = p.expectWord('BEGIN', 'after STATEMENT SET');
  return { kind: 'statementSet', syntax, inserts: insertsUntilEnd(p, begin), pos: start.pos };
}

/** `BEGIN STATEMENT SET; insert; …; END`. */
function beginStatementSet(p: Cursor, start: Token): StatementSetStatement {
  p.next();
  p.expectPhrase('STATEMENT SET');
  p.expectSymbol(';', 'after BEGIN STATEMENT SET');
  return { kind: 'statementSet', syntax: 'BEGIN', inserts: insertsUntilEnd(p, start), pos: start.pos };
}

function insertsUntilEnd(p: Cursor, begin: Token): InsertStatement[] {
  const inserts: InsertStatement[] = [];
  for (;;) {
    while (p.acceptSymbol(';'));
    if (p.acceptWord('END')) return inserts;
    if (p.atEnd) p.expected(`END to close the statement set begun at line ${begin.pos.line}, column ${begin.pos.column}`);
    if (!p.isWord('INSERT')) p.expected('INSERT or END in the statement set', undefined, 'A statement set holds only INSERT statements.');
    inserts.push(insert(p, p.peek(), false));
    if (!p.isWord('END')) p.expectSymbol(';', 'after the INSERT in the statement set');
  }
}
