import { formatDataType } from '../../src/types/data-type.ts';
import { parseStatements, formatSql, walk, type Statement } from '../../src/sql/index.ts';

/**
 * The text of a parse fixture's .expected file: per statement, its position and kind, the formatSql rendering,
 * and the types of its literals (which the rendering does not show: 2147483648 is BIGINT, 1.50 DECIMAL(3, 2)).
 * Shared by scripts/gen-sql-parse-expected.ts and the fixture test.
 */
export function renderParseExpected(sql: string): string {
  return parseStatements(sql).map(renderStatement).join('\n');
}

function renderStatement(s: Statement, index: number): string {
  const literals: string[] = [];
  walk(s, (n) => {
    if (n.kind === 'literal' && (n.text !== undefined || n.type.kind === 'TIMESTAMP')) {
      literals.push(`${n.text ?? `'${String(n.value)}'`}: ${formatDataType(n.type)}${typeof n.value === 'bigint' ? ' (bigint)' : ''}`);
    }
    if (n.kind === 'interval') literals.push(`INTERVAL '${n.text}' ${n.from}${n.to ? ` TO ${n.to}` : ''}: ${n.value} ${n.family === 'DAY_TIME' ? 'ms' : 'months'}`);
  });
  const header = `-- [${index + 1}] ${s.kind} at ${s.pos.line}:${s.pos.column}`;
  const types = literals.length > 0 ? `\n-- literals: ${literals.join('; ')}` : '';
  return `${header}${types}\n${formatSql(s)};\n`;
}
