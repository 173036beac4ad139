import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsSnapshot } from '../metric-group.ts';
import { toPrometheusText } from './prometheus.ts';

/**
 * A tiny HTTP endpoint for a running job's metrics, on node:http:
 * - `GET /metrics` — Prometheus text exposition (see prometheus.ts for the name/label mapping);
 * - `GET /metrics.json` — the snapshot as JSON, bigints as decimal strings.
 * `HEAD` is answered like `GET` without a body; other methods get 405, other paths 404. The snapshot is taken per
 * request, so a scrape always sees current values; a snapshot function that throws yields a 500.
 */
export interface MetricsServerOptions {
  /** Port to listen on; 0 (default) picks a free port, reported in `url`. */
  readonly port?: number;
  /** Interface to bind; default loopback (`127.0.0.1`). Binding another address exposes the metrics to the network. */
  readonly host?: string;
  /** Called on every request. */
  readonly snapshot: () => MetricsSnapshot;
}

export interface MetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens, rejects if the port cannot be bound. */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { port = 0, host = '127.0.0.1', snapshot } = options;
  const server = createServer((req, res) => handle(req, res, snapshot));
  // A scraper keeps connections alive; without this, close() would wait for them to time out.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        url: `http://${hostPart}:${addr.port}`,
        close: () => new Promise<void>((done, fail) => {
          server.close((err) => (err ? fail(err) : done()));
          server.closeAllConnections();
        }),
      });
    });
  });
}

function handle(req: IncomingMessage, res: ServerResponse, snapshot: () => MetricsSnapshot): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== '/metrics' && path !== '/metrics.json') {
    return send(res, 404, 'text/plain; charset=utf-8', 'Not found. Try /metrics (Prometheus) or /metrics.json.\n', req);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', req);
  }
  let body: string;
  try {
    const snap = snapshot();
    body = path === '/metrics'
      ? toPrometheusText(snap)
      : JSON.stringify(snap, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch (e) {
    return send(res, 500, 'text/plain; charset=utf-8', `Cannot read metrics: ${(e as Error)?.message ?? e}\n`, req);
  }
  const type = path === '/metrics' ? 'text/plain; version=0.0.4; charset=utf-8' : 'application/json; charset=utf-8';
  send(res, 200, type, body, req);
}

function send(res: ServerResponse, status: number, type: string, body: string, req: IncomingMessage): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(req.method === 'HEAD' ? undefined : body);
}
