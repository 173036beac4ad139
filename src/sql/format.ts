import type {
  ColumnDef, CreateTableStatement, FromItem, GroupingElement, InsertStatement, ObjectName, Query, SqlExpr, SqlNode,
  Statement, TableAlias,
} from './ast.ts';
import { formatExpr, formatOrderItems, formatType, formatWindowSpec, quoteIdent, quoteString, setQueryFormatter } from './format-expr.ts';

export { formatExpr, formatType, quoteIdent } from './format-expr.ts';

/**
 * Pretty-prints any AST node as Flink SQL, for EXPLAIN output and error messages. The text parses back to the
 * same AST (positions aside): `parse(formatSql(parse(x)))` equals `parse(x)`. Clauses go on their own lines,
 * nested queries are indented two spaces.
 */
export function formatSql(node: SqlNode): string {
  switch (node.kind) {
    case 'select': case 'setOperation': case 'values': case 'with': case 'orderBy': return formatQuery(node);
    case 'tableRef': case 'subqueryRef': case 'valuesRef': case 'join': case 'lateralTable': case 'windowTvf': return formatFrom(node);
    case 'selectItem': return `${formatExpr(node.expr)}${node.alias ? ` AS ${quoteIdent(node.alias.name)}` : ''}`;
    case 'orderItem': return formatOrderItems([node]);
    case 'windowSpec': return formatWindowSpec(node, true);
    case 'namedWindow': return `${quoteIdent(node.name.name)} AS ${formatWindowSpec(node.spec, true)}`;
    case 'cte': return formatCte(node);
    case 'groupingSets': case 'rollup': case 'cube': return formatGrouping(node);
    case 'physicalColumn': case 'computedColumn': case 'metadataColumn': return formatColumn(node);
    case 'identifier': case 'literal': case 'interval': case 'operator': case 'call': case 'case': case 'cast':
    case 'star': case 'subquery': case 'exists': case 'inSubquery':
      return formatExpr(node);
    default: return formatStatement(node);
  }
}

const name = (n: ObjectName): string => n.parts.map(quoteIdent).join('.');
const idents = (xs: readonly { name: string }[]): string => xs.map((x) => quoteIdent(x.name)).join(', ');
const indent = (s: string): string => `  ${s.replace(/\n/g, '\n  ')}`;
const opt = (cond: unknown, text: string): string => (cond ? text : '');

function formatStatement(s: Statement): string {
  switch (s.kind) {
    case 'createTable': return formatCreateTable(s);
    case 'createView':
      return `CREATE ${opt(s.temporary, 'TEMPORARY ')}VIEW ${opt(s.ifNotExists, 'IF NOT EXISTS ')}${name(s.name)}`
        + `${s.columns ? ` (${idents(s.columns)})` : ''}${s.comment !== undefined ? ` COMMENT ${quoteString(s.comment)}` : ''} AS\n${formatQuery(s.query)}`;
    case 'createFunction':
      return `CREATE ${opt(s.temporary, 'TEMPORARY ')}${opt(s.system, 'SYSTEM ')}FUNCTION ${opt(s.ifNotExists, 'IF NOT EXISTS ')}`
        + `${name(s.name)} AS ${quoteString(s.identifier)}${s.language ? ` LANGUAGE ${s.language}` : ''}`;
    case 'drop':
      return `DROP ${opt(s.temporary, 'TEMPORARY ')}${opt(s.system, 'SYSTEM ')}${s.objectType} ${opt(s.ifExists, 'IF EXISTS ')}${name(s.name)}`;
    case 'show': return `SHOW ${s.what}`;
    case 'describe': return `DESCRIBE ${name(s.name)}`;
    case 'explain': {
      const head = s.planFor ? 'EXPLAIN PLAN FOR' : s.details.length > 0 ? `EXPLAIN ${s.details.join(', ')}` : 'EXPLAIN';
      return `${head}\n${formatStatement(s.statement)}`;
    }
    case 'set': return s.key === undefined ? 'SET' : `SET ${quoteString(s.key)} = ${quoteString(s.value ?? '')}`;
    case 'reset': return s.key === undefined ? 'RESET' : `RESET ${quoteString(s.key)}`;
    case 'insert': return formatInsert(s);
    case 'statementSet': {
      const body = s.inserts.map((i) => indent(`${formatInsert(i)};`)).join('\n');
      if (s.syntax === 'BEGIN') return `BEGIN STATEMENT SET;\n${body}\nEND`;
      return `${s.syntax === 'EXECUTE' ? 'EXECUTE ' : ''}STATEMENT SET\nBEGIN\n${body}\nEND`;
    }
    case 'query': return `${opt(s.execute, 'EXECUTE ')}${formatQuery(s.query)}`;
  }
}

function formatInsert(s: InsertStatement): string {
  const partition = s.partition ? ` PARTITION (${s.partition.map((x) => `${quoteIdent(x.column.name)} = ${formatExpr(x.value)}`).join(', ')})` : '';
  return `${opt(s.execute, 'EXECUTE ')}INSERT ${s.overwrite ? 'OVERWRITE' : 'INTO'} ${name(s.table)}${partition}`
    + `${s.columns ? ` (${idents(s.columns)})` : ''}\n${formatQuery(s.query)}`;
}

function formatColumn(c: ColumnDef): string {
  const comment = c.comment !== undefined ? ` COMMENT ${quoteString(c.comment)}` : '';
  switch (c.kind) {
    case 'physicalColumn': return `${quoteIdent(c.name.name)} ${formatType(c.type)}${comment}`;
    case 'computedColumn': return `${quoteIdent(c.name.name)} AS ${formatExpr(c.expr)}${comment}`;
    case 'metadataColumn':
      return `${quoteIdent(c.name.name)} ${formatType(c.type)} METADATA${c.from !== undefined ? ` FROM ${quoteString(c.from)}` : ''}${opt(c.virtual, ' VIRTUAL')}${comment}`;
  }
}

function formatCreateTable(s: CreateTableStatement): string {
  const elements = [
    ...s.columns.map(formatColumn),
    ...s.watermarks.map((w) => `WATERMARK FOR ${w.column.map(quoteIdent).join('.')} AS ${formatExpr(w.expr)}`),
  ];
  if (s.primaryKey) {
    const pk = s.primaryKey;
    elements.push(`${pk.name ? `CONSTRAINT ${quoteIdent(pk.name)} ` : ''}PRIMARY KEY (${idents(pk.columns)})${opt(!pk.enforced, ' NOT ENFORCED')}`);
  }
  let out = `CREATE ${opt(s.temporary, 'TEMPORARY ')}TABLE ${opt(s.ifNotExists, 'IF NOT EXISTS ')}${name(s.name)}`;
  if (elements.length > 0) out += ` (\n${elements.map(indent).join(',\n')}\n)`;
  if (s.comment !== undefined) out += `\nCOMMENT ${quoteString(s.comment)}`;
  if (s.partitionedBy.length > 0) out += `\nPARTITIONED BY (${idents(s.partitionedBy)})`;
  if (s.options.length > 0) out += `\nWITH (\n${s.options.map((o) => indent(`${quoteString(o.key)} = ${quoteString(o.value)}`)).join(',\n')}\n)`;
  if (s.like) {
    const opts = s.like.options.map((o) => `${o.mode} ${o.what}`).join(' ');
    out += `\nLIKE ${name(s.like.table)}${opts ? ` (${opts})` : ''}`;
  }
  if (s.asQuery) out += `\nAS\n${formatQuery(s.asQuery)}`;
  return out;
}

function formatCte(c: Extract<SqlNode, { kind: 'cte' }>): string {
  return `${quoteIdent(c.name.name)}${c.columns ? ` (${idents(c.columns)})` : ''} AS (\n${indent(formatQuery(c.query))}\n)`;
}

/** A query operand that must not absorb what follows it is parenthesised. */
const paren = (q: Query): string => `(\n${indent(formatQuery(q))}\n)`;
const SET_LEVEL = { UNION: 1, EXCEPT: 1, INTERSECT: 2 } as const;

/** A query as multi-line SQL. */
export function formatQuery(q: Query): string {
  switch (q.kind) {
    case 'select': {
      const lines = [`SELECT ${opt(q.distinct, 'DISTINCT ')}${q.items.map((i) => formatSql(i)).join(', ')}`];
      if (q.from) lines.push(`FROM ${formatFrom(q.from)}`);
      if (q.where) lines.push(`WHERE ${formatExpr(q.where)}`);
      if (q.groupBy) lines.push(`GROUP BY ${q.groupBy.map(formatGrouping).join(', ')}`);
      if (q.having) lines.push(`HAVING ${formatExpr(q.having)}`);
      if (q.windows) lines.push(`WINDOW ${q.windows.map((w) => formatSql(w)).join(', ')}`);
      return lines.join('\n');
    }
    case 'values': return `VALUES ${q.rows.map((r) => `(${r.map(formatExpr).join(', ')})`).join(', ')}`;
    case 'with': return `WITH ${q.ctes.map(formatCte).join(', ')}\n${formatQuery(q.body)}`;
    case 'setOperation': {
      const level = SET_LEVEL[q.op];
      const simple = (x: Query): boolean => x.kind === 'select' || x.kind === 'values';
      const left = simple(q.left) || (q.left.kind === 'setOperation' && SET_LEVEL[q.left.op] >= level) ? formatQuery(q.left) : paren(q.left);
      const right = simple(q.right) ? formatQuery(q.right) : paren(q.right);
      return `${left}\n${q.op}${opt(q.all, ' ALL')}\n${right}`;
    }
    case 'orderBy': {
      const inner = q.query.kind === 'orderBy' || q.query.kind === 'with' ? paren(q.query) : formatQuery(q.query);
      const lines = [inner];
      if (q.orderBy.length > 0) lines.push(`ORDER BY ${formatOrderItems(q.orderBy)}`);
      if (q.limit) lines.push(`LIMIT ${formatExpr(q.limit)}`);
      if (q.offset) lines.push(`OFFSET ${formatExpr(q.offset)}`);
      return lines.join('\n');
    }
  }
}
setQueryFormatter(formatQuery);

function formatGrouping(g: GroupingElement): string {
  switch (g.kind) {
    case 'groupingSets': return `GROUPING SETS (${g.sets.map((s) => `(${s.map(formatExpr).join(', ')})`).join(', ')})`;
    case 'rollup': case 'cube': return `${g.kind.toUpperCase()}(${g.exprs.map(formatExpr).join(', ')})`;
    default: return formatExpr(g as SqlExpr);
  }
}

const alias = (a: TableAlias | undefined): string =>
  a ? ` AS ${quoteIdent(a.name.name)}${a.columns ? `(${idents(a.columns)})` : ''}` : '';

/** A FROM item; joins put each joined item on its own line. */
export function formatFrom(f: FromItem): string {
  switch (f.kind) {
    case 'tableRef':
      return `${name(f.name)}${f.forSystemTimeAsOf ? ` FOR SYSTEM_TIME AS OF ${formatExpr(f.forSystemTimeAsOf)}` : ''}${alias(f.alias)}`;
    case 'subqueryRef': return `${opt(f.lateral, 'LATERAL ')}${paren(f.query)}${alias(f.alias)}`;
    case 'valuesRef': return `(${formatQuery(f.values)})${alias(f.alias)}`;
    case 'lateralTable':
      if (f.call.kind === 'call' && f.call.canonical === 'UNNEST' && !f.lateral) return `${formatExpr(f.call)}${alias(f.alias)}`;
      return `${opt(f.lateral, 'LATERAL ')}TABLE(${formatExpr(f.call)})${alias(f.alias)}`;
    case 'windowTvf': {
      const table = f.table.kind === 'tableRef' ? name(f.table.name) : paren(f.table.query);
      const data = `TABLE ${table}${f.partitionBy.length === 0 ? '' : f.partitionBy.length === 1
        ? ` PARTITION BY ${formatExpr(f.partitionBy[0])}` : ` PARTITION BY (${f.partitionBy.map(formatExpr).join(', ')})`}`;
      const rest = [f.slide, f.step, f.size, f.gap, f.offset].filter((x): x is SqlExpr => x !== undefined).map(formatExpr);
      return `TABLE(${f.fn}(${[data, `DESCRIPTOR(${quoteIdent(f.timeCol.name)})`, ...rest].join(', ')}))${alias(f.alias)}`;
    }
    case 'join': {
      if (f.comma) {
        const right = f.right.kind === 'join' && f.right.comma ? `(${formatFrom(f.right)})` : formatFrom(f.right);
        return `${formatFrom(f.left)}, ${right}`;
      }
      const left = f.left.kind === 'join' && f.left.comma ? `(${formatFrom(f.left)})` : formatFrom(f.left);
      const right = f.right.kind === 'join' ? `(${formatFrom(f.right)})` : formatFrom(f.right);
      const cond = f.on ? ` ON ${formatExpr(f.on)}` : f.using ? ` USING (${idents(f.using)})` : '';
      return `${left}\n${f.type === 'INNER' ? '' : `${f.type} `}JOIN ${right}${cond}`;
    }
  }
}
