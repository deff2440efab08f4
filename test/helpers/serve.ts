import { afterEach } from 'vitest';
import { startServer, type RunledgerServer, type ServeOptions } from '../../src/entries/serve.js';

/** What a request to `runledger serve` answered: the status and the parsed JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, any>;
}

export const CONFIG = { llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.2 }, maxRetries: 3 };

export interface RequestOptions {
  readonly token?: string;
  /** Sent as application/x-ndjson, one item per line. */
  readonly ndjson?: readonly unknown[] | string;
  readonly contentType?: string;
  readonly rawBody?: string;
}

async function request(url: string, method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (options.ndjson !== undefined) {
    payload = typeof options.ndjson === 'string' ? options.ndjson : options.ndjson.map((item) => `${JSON.stringify(item)}\n`).join('');
    headers['content-type'] = 'application/x-ndjson';
  } else if (options.rawBody !== undefined) {
    payload = options.rawBody;
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url + path, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, any>) };
}

/** A client bound to one server. */
export function clientOf(url: string, token?: string) {
  const withToken = (options: RequestOptions = {}): RequestOptions => (token === undefined ? options : { token, ...options });
  return {
    get: (path: string, options?: RequestOptions) => request(url, 'GET', path, undefined, withToken(options)),
    post: (path: string, body?: unknown, options?: RequestOptions) => request(url, 'POST', path, body, withToken(options)),
    start: (runId: string, extra: Record<string, unknown> = {}) =>
      request(url, 'POST', '/runs', { projectId: 'serve-test', runId, config: CONFIG, ...extra }, withToken()),
    call: (runId: string, call: string, args?: Record<string, unknown>) =>
      request(url, 'POST', `/runs/${runId}/calls`, args === undefined ? { call } : { call, args }, withToken()),
    batch: (runId: string, items: readonly unknown[] | string) =>
      request(url, 'POST', `/runs/${runId}/calls`, undefined, withToken({ ndjson: items })),
    finalize: (runId: string, body: Record<string, unknown> = {}) => request(url, 'POST', `/runs/${runId}/finalize`, body, withToken()),
  };
}

const servers: RunledgerServer[] = [];

/** An in-process server on a free loopback port, closed after the test. */
export async function testServer(options: ServeOptions): Promise<RunledgerServer> {
  const server = await startServer({ port: 0, prices: null, liveUpdates: false, ...options });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close('test finished')));
});
