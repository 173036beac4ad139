/**
 * The transport ceiling for Python UDFs: pre-generated Arrow IPC batches of two float64 columns go through one
 * DEALER to a bare pyzmq ROUTER loop (transport_echo.py, numpy `a * b + 1`, no Weir code) with the same in-flight
 * window as Weir (`python.fn-execution.max-in-flight`, 4 by default). Weir's Python UDF throughput can approach but
 * not exceed this figure on the same machine.
 *
 *   node --import tsx benchmarks/transport-limit/transport-limit.ts --rows 10000000 [--batch-size 10000] [--in-flight 4] [--transport ipc|tcp]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as arrow from 'apache-arrow';
import * as zmq from 'zeromq';
import { resolvePythonExecutable } from '../../src/udf/python/interpreter.ts';

export interface TransportLimitOptions {
  readonly rows: number;
  readonly batchSize?: number;
  readonly inFlight?: number;
  readonly transport?: 'ipc' | 'tcp';
}

export interface TransportLimitResult {
  readonly rows: number;
  readonly seconds: number;
  readonly rows_per_s: number;
  /** Round-trip latency of one batch (send → reply decoded), milliseconds. */
  readonly p50_ms: number;
  readonly p99_ms: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Runs the benchmark once: starts the echo loop, pushes `rows` rows, stops it. */
export async function runTransportLimit(options: TransportLimitOptions): Promise<TransportLimitResult> {
  const batchSize = options.batchSize ?? 10_000;
  const inFlight = options.inFlight ?? 4;
  const requests = Math.ceil(options.rows / batchSize);
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-'));
  const endpoint = options.transport === 'tcp' ? 'tcp://127.0.0.1:0' : `ipc://${join(dir, 'echo.sock')}`;
  const child = spawn(resolvePythonExecutable(), [join(HERE, 'transport_echo.py'), endpoint], { stdio: ['ignore', 'pipe', 'inherit'] });
  const socket = new zmq.Dealer({ linger: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
  try {
    const ready = await new Promise<{ endpoint: string }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
      child.once('exit', (code) => reject(new Error(`transport_echo.py exited with ${code} before it was ready`)));
      child.once('error', reject);
    });
    socket.connect(ready.endpoint);

    // Pre-generated bodies (a few distinct ones, cycled) so the figure is transport + numpy, not data generation.
    const bodies = Array.from({ length: 8 }, (_, k) => {
      const a = Float64Array.from({ length: batchSize }, (_, i) => i + k);
      const b = Float64Array.from({ length: batchSize }, (_, i) => (i % 100) / 10);
      return arrow.tableToIPC(arrow.tableFromArrays({ a0: a, a1: b }), 'stream');
    });
    const latencies = new Float64Array(requests);
    const sentAt = new Float64Array(requests);
    let sent = 0;
    let received = 0;
    let rowsDone = 0;
    const t0 = performance.now();
    const send = async () => {
      const seq = sent++;
      const header = Buffer.alloc(4);
      header.writeUInt32LE(seq);
      sentAt[seq] = performance.now();
      await socket.send([header, bodies[seq % bodies.length]]);
    };
    while (sent < Math.min(inFlight, requests)) await send();
    while (received < requests) {
      const [header, body] = await socket.receive();
      const seq = header.readUInt32LE(0);
      const result = arrow.tableFromIPC(body);
      rowsDone += result.numRows;
      latencies[seq] = performance.now() - sentAt[seq];
      received++;
      if (sent < requests) await send();
    }
    const seconds = (performance.now() - t0) / 1000;
    await socket.send([Buffer.from('stop')]);
    await socket.receive();
    const sorted = latencies.sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    return { rows: rowsDone, seconds, rows_per_s: Math.round(rowsDone / seconds), p50_ms: at(0.5), p99_ms: at(0.99) };
  } finally {
    socket.close();
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runTransportLimit({
    rows: Number(arg('rows', '10000000')),
    batchSize: Number(arg('batch-size', '10000')),
    inFlight: Number(arg('in-flight', '4')),
    transport: arg('transport', 'ipc') as 'ipc' | 'tcp',
  });
  console.log(JSON.stringify(result));
}
