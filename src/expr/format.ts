import { formatDataType } from '../types/data-type.ts';
import type { BoundExpression, Expression } from './expression.ts';
import { lookupBuiltin } from './functions/registry.ts';

/**
 * Flink-like SQL text of an expression for explain() and error messages: operators infix with parentheses
 * (`(a + 1)`), functions as `UPPER(name)`, `CASE WHEN … END`, `CAST(x AS INT)`. Bound inputs print as their
 * column name when `inputNames` is given, else `$index`.
 */
export function formatExpression(expr: Expression | BoundExpression, inputNames?: readonly string[]): string {
  const f = (e: Expression | BoundExpression): string => formatExpression(e, inputNames);
  switch (expr.kind) {
    case 'column': return quoteIdent(expr.name);
    case 'input': return inputNames?.[expr.index] !== undefined ? quoteIdent(inputNames[expr.index]) : `$${expr.index}`;
    case 'literal': return formatLiteral(expr.value);
    case 'cast': {
      const inner = 'arg' in expr ? expr.arg : expr.expr;
      return `${expr.tryCast ? 'TRY_CAST' : 'CAST'}(${f(inner)} AS ${formatDataType(expr.type)})`;
    }
    case 'alias': return `${f(expr.expr)} AS ${expr.names.map(quoteIdent).join(', ')}`;
    case 'udf': return `${expr.fn.name}(${expr.args.map(f).join(', ')})`;
    case 'call': return formatCall(expr.name, expr.args.map(f));
  }
}

function formatCall(name: string, args: string[]): string {
  const upper = name.toUpperCase();
  switch (upper) {
    case 'CASE': {
      let s = 'CASE';
      for (let i = 0; i + 1 < args.length; i += 2) s += ` WHEN ${args[i]} THEN ${args[i + 1]}`;
      if (args.length % 2 === 1) s += ` ELSE ${args[args.length - 1]}`;
      return `${s} END`;
    }
    case 'IN': case 'NOT IN': return `(${args[0]} ${upper} (${args.slice(1).join(', ')}))`;
    case 'BETWEEN': case 'NOT BETWEEN': return `(${args[0]} ${upper} ${args[1]} AND ${args[2]})`;
    case 'LIKE': case 'NOT LIKE': case 'SIMILAR TO':
      return `(${args[0]} ${upper} ${args[1]}${args[2] !== undefined ? ` ESCAPE ${args[2]}` : ''})`;
    case 'ITEM': return `${args[0]}[${args[1]}]`;
    case 'FIELD': return `${args[0]}.${args[1]?.replace(/^'|'$/g, '')}`;
    case 'EXTRACT': return `EXTRACT(${args[0]?.replace(/^'|'$/g, '')} FROM ${args[1]})`;
    case 'ARRAY': return `ARRAY[${args.join(', ')}]`;
    default: break;
  }
  const op = lookupBuiltin(upper)?.operator;
  if (op && op.form === 'infix' && args.length >= 2) return `(${args.join(` ${op.symbol} `)})`;
  if (op && op.form === 'prefix' && args.length === 1) return op.symbol === '-' ? `-${args[0]}` : `${op.symbol} ${args[0]}`;
  if (op && op.form === 'postfix' && args.length === 1) return `${args[0]} ${op.symbol}`;
  return `${name}(${args.join(', ')})`;
}

function formatLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  if (Array.isArray(value)) return `ARRAY[${value.map(formatLiteral).join(', ')}]`;
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex').toUpperCase()}'`;
  return String(value);
}

function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}
