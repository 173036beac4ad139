/**
 * The reference side of the Nexmark checks: the same generated events loaded into DuckDB (`@duckdb/node-api`, a dev
 * dependency) as the tables person, auction and bid (the nexmark views' columns), and each deterministic query in
 * DuckDB's dialect.
 *
 * Most queries are nexmark-flink's SQL with mechanical rewrites ({@link toDuckDb}); the window queries are written by
 * hand with the window arithmetic spelled out (DuckDB has no window table functions), on epoch milliseconds.
 */
import { DuckDBInstance, timestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { rowsFromBatch } from '../../../src/batch/values/index.ts';
import { NEXMARK_COLUMNS, NexmarkGenerator, nexmarkConfig } from '../../../src/connectors/nexmark/index.ts';
import { Schema } from '../../../src/types/schema.ts';
import { SIDE_INPUT_ROWS } from '../../../benchmarks/lib/nexmark.ts';

const SCHEMA = new Schema(NEXMARK_COLUMNS);

/** The DuckDB tables: name, then columns as [name, DuckDB type] in the view's order. */
const TABLES: Record<'person' | 'auction' | 'bid', [string, string][]> = {
  person: [['id', 'BIGINT'], ['name', 'VARCHAR'], ['emailAddress', 'VARCHAR'], ['creditCard', 'VARCHAR'], ['city', 'VARCHAR'], ['state', 'VARCHAR'], ['dateTime', 'TIMESTAMP'], ['extra', 'VARCHAR']],
  auction: [['id', 'BIGINT'], ['itemName', 'VARCHAR'], ['description', 'VARCHAR'], ['initialBid', 'BIGINT'], ['reserve', 'BIGINT'], ['dateTime', 'TIMESTAMP'], ['expires', 'TIMESTAMP'], ['seller', 'BIGINT'], ['category', 'BIGINT'], ['extra', 'VARCHAR']],
  bid: [['auction', 'BIGINT'], ['bidder', 'BIGINT'], ['price', 'BIGINT'], ['channel', 'VARCHAR'], ['url', 'VARCHAR'], ['dateTime', 'TIMESTAMP'], ['extra', 'VARCHAR']],
};

/** A DuckDB database holding every event of a nexmark source with `options` (generated in one sequence) and q13's side input. */
export async function duckDbWithEvents(options: Readonly<Record<string, string>>): Promise<DuckDBConnection> {
  const generator = new NexmarkGenerator(nexmarkConfig(options), SCHEMA);
  const count = generator.eventCount;
  const rows = rowsFromBatch(ChangeBatch.fromColumns(SCHEMA.toArrow(), generator.generate(0, count), count), SCHEMA);
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  for (const [table, columns] of Object.entries(TABLES)) {
    await conn.run(`CREATE TABLE ${table} (${columns.map(([n, t]) => `"${n}" ${t}`).join(', ')})`);
    const appender = await conn.createAppender(table);
    const column = ['person', 'auction', 'bid'].indexOf(table) + 1;
    for (const row of rows) {
      const event = row[column] as Record<string, unknown> | null;
      if (!event) continue;
      for (const [name, type] of columns) {
        const v = event[name];
        if (type === 'BIGINT') appender.appendBigInt(v as bigint);
        else if (type === 'TIMESTAMP') appender.appendTimestamp(timestampValue(BigInt((v as Date).getTime()) * 1000n));
        else appender.appendVarchar(v as string);
      }
      appender.endRow();
    }
    appender.closeSync();
  }
  await conn.run(`CREATE TABLE side_input AS SELECT range AS "key", CAST(range AS VARCHAR) AS "value" FROM range(${SIDE_INPUT_ROWS})`);
  return conn;
}

/**
 * nexmark-flink SQL → DuckDB SQL, for the queries without window table functions:
 * backquotes → double quotes; DATE_FORMAT → strftime; AVG(x) → SUM(x) // COUNT(x) (Flink's AVG of a BIGINT is a
 * BIGINT, truncated); MOD → %; REGEXP_EXTRACT and SPLIT_INDEX → regexp_extract / split_part with '' as NULL (Flink
 * returns NULL for no match / no such part; nexmark URLs never have an empty part); count_char → length arithmetic.
 */
export function toDuckDb(flink: string): string {
  return flink
    .replace(/`/g, '"')
    .replace(/DATE_FORMAT\(([^,]+), 'yyyy-MM-dd'\)/gi, "strftime($1, '%Y-%m-%d')")
    .replace(/DATE_FORMAT\(([^,]+), 'HH:mm'\)/gi, "strftime($1, '%H:%M')")
    .replace(/\bAVG\(([^()]+)\)/gi, '(SUM($1) // COUNT($1))')
    .replace(/\bMOD\(([^,]+), ([^)]+)\)/gi, '($1 % $2)')
    .replace(/\bREGEXP_EXTRACT\(([^,]+), ('[^']*'), (\d+)\)/gi, "NULLIF(regexp_extract($1, $2, $3), '')")
    .replace(/\bSPLIT_INDEX\(([^,]+), ('[^']*'), (\d+)\)/gi, (_, s: string, d: string, i: string) => `NULLIF(split_part(${s}, ${d}, ${Number(i) + 1}), '')`)
    .replace(/\bcount_char\(([^,]+), '(.)'\)/gi, "(length($1) - length(replace($1, '$2', '')))");
}

const ms = (ts: string): string => `epoch_ms(${ts})`;

/** The window queries, by hand: TUMBLE / HOP windows as epoch-millisecond arithmetic, SESSION as gaps and islands. */
/**
 * For q6: auctions whose highest qualifying bid price is tied (which bid the Top-1 keeps then depends on arrival
 * order) and sellers with two Top-1 rows at one time (the OVER order between them is a tiebreak DuckDB does not
 * share). Both must be 0 for the comparison with DuckDB to be meaningful.
 */
export const Q6_TIES = `WITH j AS (SELECT A.id, A.seller, B.price AS final, B."dateTime" FROM auction A, bid B
    WHERE A.id = B.auction AND B."dateTime" BETWEEN A."dateTime" AND A.expires)
  SELECT (SELECT count(*) FROM (SELECT id FROM j WHERE final = (SELECT max(final) FROM j j2 WHERE j2.id = j.id) GROUP BY id HAVING count(*) > 1))
       + (SELECT count(*) FROM (SELECT seller, "dateTime" FROM j GROUP BY seller, "dateTime" HAVING count(DISTINCT id) > 1))`;

export const HAND_WRITTEN: Readonly<Record<number, string>> = {
  // HOP(2 s slide, 10 s size): the 5 windows starting at floor(t / 2 s) × 2 s − k × 2 s, k = 0..4, contain t.
  5: `WITH hop AS (SELECT auction, (${ms('"dateTime"')} // 2000 - k) * 2000 AS ws FROM bid, range(0, 5) AS r(k)),
        counts AS (SELECT auction, ws, count(*) AS num FROM hop GROUP BY auction, ws),
        maxn AS (SELECT ws, max(num) AS maxn FROM counts GROUP BY ws)
      SELECT c.auction, c.num FROM counts c JOIN maxn m ON c.ws = m.ws AND c.num >= m.maxn`,
  // AVG of a BIGINT truncates (Flink); DuckDB's window frame is the same ROWS frame over the Top-1 rows.
  6: `SELECT seller, SUM(final) OVER w // COUNT(final) OVER w
      FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY id, seller ORDER BY final DESC) AS rownum
        FROM (SELECT A.id, A.seller, B.price AS final, B."dateTime" FROM auction AS A, bid AS B
              WHERE A.id = B.auction AND B."dateTime" BETWEEN A."dateTime" AND A.expires)
      ) WHERE rownum <= 1
      WINDOW w AS (PARTITION BY seller ORDER BY "dateTime" ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)`,
  7: `SELECT B.auction, B.price, B.bidder, B."dateTime", B.extra
      FROM bid B JOIN (
        SELECT max(price) AS maxprice, epoch_ms((${ms('"dateTime"')} // 10000 + 1) * 10000) AS "dateTime"
        FROM bid GROUP BY ${ms('"dateTime"')} // 10000
      ) B1 ON B.price = B1.maxprice
      WHERE B."dateTime" BETWEEN B1."dateTime" - INTERVAL 10 SECOND AND B1."dateTime"`,
  8: `SELECT P.id, P.name, P.starttime
      FROM (SELECT id, name, epoch_ms(${ms('"dateTime"')} // 10000 * 10000) AS starttime FROM person GROUP BY ALL) P
      JOIN (SELECT seller, epoch_ms(${ms('"dateTime"')} // 10000 * 10000) AS starttime FROM auction GROUP BY ALL) A
      ON P.id = A.seller AND P.starttime = A.starttime`,
  // SESSION(10 s gap) per bidder: a bid starts a new session when it comes 10 s or more after the previous one
  // (Flink merges the windows [t, t + gap) that overlap); a session ends at its last bid + gap.
  11: `WITH marked AS (
        SELECT bidder, "dateTime",
          CASE WHEN "dateTime" - lag("dateTime") OVER w < INTERVAL 10 SECOND THEN 0 ELSE 1 END AS starts
        FROM bid WINDOW w AS (PARTITION BY bidder ORDER BY "dateTime")),
      numbered AS (SELECT bidder, "dateTime", sum(starts) OVER (PARTITION BY bidder ORDER BY "dateTime" ROWS UNBOUNDED PRECEDING) AS session FROM marked)
      SELECT bidder, count(*) AS bid_count, min("dateTime") AS starttime, max("dateTime") + INTERVAL 10 SECOND AS endtime
      FROM numbered GROUP BY bidder, session`,
};

/** Rows of a DuckDB query with plain values: numbers for integers and decimals, epoch ms for timestamps. */
export async function duckDbRows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const result = await conn.runAndReadAll(sql);
  return (result.getRows() as unknown[][]).map((row) => row.map((v) => plain(v)));
}

/**
 * A Weir or DuckDB value as a plain comparable value: Date / DuckDB timestamps → epoch ms, bigint and decimals
 * (Weir's DECIMAL strings when `decimal`, DuckDB's decimal objects) → number.
 */
export function plain(v: unknown, decimal = false): unknown {
  if (decimal && typeof v === 'string') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'micros' in v) return Number((v as { micros: bigint }).micros / 1000n);
  if (v !== null && typeof v === 'object') return Number(String(v));
  return v;
}

/**
 * Compares two results as multisets of rows, exactly (values made plain first); undefined when equal, else the
 * first rows found on one side only.
 */
export function multisetDiff(weir: readonly (readonly unknown[])[], reference: readonly (readonly unknown[])[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of weir) counts.set(JSON.stringify(r), (counts.get(JSON.stringify(r)) ?? 0) + 1);
  for (const r of reference) counts.set(JSON.stringify(r), (counts.get(JSON.stringify(r)) ?? 0) - 1);
  const differing = [...counts].filter(([, n]) => n !== 0);
  if (differing.length === 0) return undefined;
  const show = (sign: number): string => differing.filter(([, n]) => Math.sign(n) === sign).slice(0, 5).map(([k, n]) => `    ${Math.abs(n)}× ${k}`).join('\n');
  return `weir ${weir.length} rows, reference ${reference.length} rows\n  only in weir:\n${show(1)}\n  only in the reference:\n${show(-1)}`;
}
