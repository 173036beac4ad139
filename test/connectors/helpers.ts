import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../src/config/configuration.ts';
import { MetricGroup } from '../../src/metrics/metric-group.ts';
import { isSourceEvent, type ConnectorContext, type SourceReader } from '../../src/connectors/connector.ts';
import type { ChangeBatch } from '../../src/batch/change-batch.ts';

/** A connector context for subtask `index` of `parallelism`. */
export function context(index = 0, parallelism = 1, config: Record<string, string> = {}, baseDir = process.cwd()): ConnectorContext {
  return { subtaskIndex: index, parallelism, metrics: new MetricGroup(), config: new Configuration(config), signal: new AbortController().signal, baseDir };
}

/** Every batch a reader yields until it ends (events such as finished splits are skipped). */
export async function drain(reader: SourceReader): Promise<ChangeBatch[]> {
  const out: ChangeBatch[] = [];
  for (let b = await reader.next(); b; b = await reader.next()) if (!isSourceEvent(b)) out.push(b);
  await reader.close();
  return out;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<[string, () => Promise<void>]> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-connectors-'));
  return [dir, () => rm(dir, { recursive: true, force: true })];
}
