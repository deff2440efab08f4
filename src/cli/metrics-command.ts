import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { printable } from '../errors.js';
import { MetricsRefresher, PROMETHEUS_CONTENT_TYPE } from '../metrics-export/index.js';
import { makeTokenCheck, readToken } from '../serve/auth.js';
import { UsageError } from './exit-codes.js';
import { existingLogsDir } from './logs-dir.js';
import { BOUNDS, wholeNumber } from './numbers.js';

export interface MetricsCommandOptions {
  dir?: string;
  listen: string;
  tokenFile?: string;
  refreshMs: string;
  maxLabelValues: string;
  once?: boolean;
}

/** `[host]:port`: an empty host is every interface, as Prometheus exporters write it (`:9464`). */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(text);
  if (!match) throw new UsageError(`--listen ${JSON.stringify(text)} is not [host]:port, e.g. 127.0.0.1:9464 or :9464`);
  const host = match[1]!.startsWith('[') && match[1]!.endsWith(']') ? match[1]!.slice(1, -1) : match[1]!;
  return { host: host === '' ? '0.0.0.0' : host, port: wholeNumber('--listen port', match[2]!, BOUNDS.port) };
}

export async function metricsCommand(options: MetricsCommandOptions): Promise<void> {
  const logsDir = existingLogsDir(options.dir);
  const refreshIntervalMs = wholeNumber('--refresh-ms', options.refreshMs, BOUNDS.refreshMs);
  const maxLabelValues = wholeNumber('--max-label-values', options.maxLabelValues, BOUNDS.maxLabelValues);
  const { host, port } = parseListen(options.listen);
  const token = readToken(options.tokenFile);
  const refresher = new MetricsRefresher({ logsDir, refreshIntervalMs, maxLabelValues });
  if (options.once) {
    process.stdout.write(await refresher.exposition());
    await refresher.stop();
    return;
  }
  const check = token === null ? null : makeTokenCheck(token);
  const server = http.createServer((request, response) => void answer(request, response, refresher, check));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${options.listen}: ${error.message}`)));
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    void refresher.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`runledger metrics: serving http://${urlHost}:${address.port}/metrics (logs: ${logsDir})\n`);
}

async function answer(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  refresher: MetricsRefresher,
  check: ((authorization: string | undefined) => void) | null,
): Promise<void> {
  const reply = (status: number, text: string, headers: Record<string, string> = {}): void => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
  };
  if (check !== null) {
    try {
      check(request.headers.authorization);
    } catch (error) {
      return reply(401, `${(error as Error).message}\n`, { 'www-authenticate': 'Bearer' });
    }
  }
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') return reply(404, 'runledger metrics: the metrics are at GET /metrics\n');
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return reply(405, 'runledger metrics: only GET /metrics\n', { allow: 'GET, HEAD' });
  try {
    reply(200, await refresher.exposition(), { 'content-type': PROMETHEUS_CONTENT_TYPE });
  } catch (error) {
    reply(500, `runledger metrics: ${printable((error as Error).message)}\n`);
  }
}
