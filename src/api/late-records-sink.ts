import { TimeOptions } from '../config/time-options.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { LATE_RECORD_COLUMNS, type LateRecordsSinkSpec } from '../time/late-records.ts';
import { formatDataType, typesEqual } from '../types/data-type.ts';
import type { TableEnvironment } from './table-environment.ts';

const KEY = TimeOptions.LATE_RECORDS_SINK.key;

/**
 * The late-data side output a job writes to, from `table.exec.late-records.sink`: a connector table of the catalog
 * with a sink connector, whose columns are chosen from {@link LATE_RECORD_COLUMNS} (at least `row`). Checked when
 * the job is submitted, so a misspelt table or column fails before anything runs. Undefined when the option is unset.
 */
export function resolveLateRecordsSink(env: TableEnvironment): LateRecordsSinkSpec | undefined {
  const name = env.config.get(TimeOptions.LATE_RECORDS_SINK).trim();
  if (!name) return undefined;
  const entry = env.catalog.findTable(name);
  const example = `e.g. CREATE TABLE ${name} (operator STRING, row STRING) WITH ('connector' = 'filesystem', 'path' = '…', 'format' = 'json')`;
  if (!entry) {
    throw new PlanError(`'${KEY}' names table '${name}', which does not exist; known tables: ${env.catalog.tableNames().join(', ') || '(none)'}`,
      { hint: `Create the late-data table first, ${example}.` }, ErrorCodes.CONFIG_INVALID);
  }
  if (entry.kind !== 'connector') {
    throw new PlanError(`'${KEY}' names view '${name}'; late rows are written to a connector table`, { hint: example }, ErrorCodes.CONFIG_INVALID);
  }
  const d = entry.descriptor;
  env.connectors.sink(d.connector).validateSink(d.options, d.schema);
  const allowed = Object.entries(LATE_RECORD_COLUMNS).map(([n, t]) => `${n} ${formatDataType(t)}`).join(', ');
  for (const c of d.schema.columns) {
    const expected = LATE_RECORD_COLUMNS[c.name];
    const ok = expected && (typesEqual(c.type, expected, true) || (c.name === 'watermark' && c.type.kind === 'TIMESTAMP' && c.type.precision === 3));
    if (!ok) {
      throw new PlanError(`Late-data table '${name}' has column '${c.name} ${formatDataType(c.type)}', which late rows cannot fill`,
        { hint: `Its columns are chosen, by name, from: ${allowed}.` }, ErrorCodes.SCHEMA_MISMATCH);
    }
  }
  if (d.schema.indexOf('row') < 0) {
    throw new PlanError(`Late-data table '${name}' has no 'row' column for the late rows`, { hint: `Add row STRING; its columns are chosen from: ${allowed}.` }, ErrorCodes.SCHEMA_MISMATCH);
  }
  return { table: name, connector: d.connector, options: d.options, schema: d.schema.columns };
}
