import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../src/entries/serve.js';
import { runPaths } from '../src/index.js';
import { asyncCollectorLeg } from './collector-legs.js';
import type { FigureSpec } from './build-figure.js';
import type { Comparison } from './interleave.js';
import type { CollectorLegResult } from './leg.js';
import { averageMixLineBytes } from './line-size.js';
import { runClientsOnThread } from './serve-client-thread.js';
import type { ClientMode } from './serve-clients.js';

/**
 * The `runledger serve` figure: appends per second over HTTP against the library's own async
 * collector with the same concurrency. Both sides run the same event mix, each writer awaiting
 * every call, so both are bound by the same group commit; what serve adds is HTTP (keep-alive),
 * JSON and Fastify per line. The HTTP clients run on a worker thread, as supervisors run in
 * processes of their own; the server, like the collector, has the main thread.
 */
export function serveFigureSpec(clients: number, mode: ServeMode = 'calls', note?: string): FigureSpec {
  return {
    ...(note === undefined ? {} : { note }),
    name:
      mode === 'calls'
        ? `runledger serve appends, one call per request (${clients} keep-alive HTTP clients)`
        : `runledger serve appends, one NDJSON batch per agent step (4 calls; ${clients} keep-alive HTTP clients)`,
    baselineName: `AsyncMetricsCollector in-process, ${clients} writers`,
    unit: 'lines/s',
    target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
  };
}

/** One call per request (what a simple client does), or one NDJSON batch per agent step (serve-clients.ts). */
export type ServeMode = Exclude<ClientMode, 'health'>;

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

let legNumber = 0;

/** One timed leg: a server on a free loopback port, a run with an open issue and agent, `clients` HTTP loops for `legMs`. */
async function serveLeg(logsDir: string, clients: number, legMs: number, mode: ServeMode = 'calls'): Promise<CollectorLegResult> {
  const server = await startServer({ dir: logsDir, port: 0, prices: null, liveUpdates: false });
  const runId = `serve-bench-${process.pid}-${(legNumber += 1)}`;
  try {
    await postJson(`${server.url}/runs`, {
      projectId: 'runledger-bench',
      runId,
      config: { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 } },
    });
    await postJson(`${server.url}/runs/${runId}/calls`, {
      call: 'startIssue',
      args: { issueId: 1, title: 'Add login endpoint', labels: ['backend'] },
    });
    await postJson(`${server.url}/runs/${runId}/calls`, { call: 'startAgent', args: { agentType: 'coding' } });
    const timed = await runClientsOnThread({ url: server.url, runId, clients, legMs, mode });
    await postJson(`${server.url}/runs/${runId}/finalize`, { status: 'completed' });
    const journal = runPaths(logsDir, runId).journal;
    try {
      return { ...timed, lineBytes: averageMixLineBytes(journal) };
    } finally {
      fs.rmSync(path.dirname(journal), { recursive: true, force: true });
    }
  } finally {
    await server.close('bench leg done');
  }
}

/** The comparison for bench/interleave.ts, for a leg length: serve against the async collector, same writers. */
export function serveComparison(logsDir: string, clients: number, mode: ServeMode = 'calls'): (legMs: number) => Comparison {
  const name = serveFigureSpec(clients, mode).name;
  return (legMs) => ({
    name,
    baseline: () => asyncCollectorLeg(logsDir, clients, legMs),
    collector: () => serveLeg(logsDir, clients, legMs, mode),
  });
}

/**
 * The HTTP ceiling, for context: the same clients and server answering GET /health, which appends
 * nothing. Requests per second; an append per request can never go faster than this.
 */
async function httpCeilingLeg(logsDir: string, clients: number, legMs: number): Promise<{ lines: number; ms: number }> {
  const server = await startServer({ dir: logsDir, port: 0, prices: null, liveUpdates: false });
  try {
    return await runClientsOnThread({ url: server.url, runId: 'none', clients, legMs, mode: 'health' });
  } finally {
    await server.close('bench leg done');
  }
}

export const HTTP_CEILING_NAME = 'HTTP ceiling: GET /health, no append';

/** The ceiling as a comparison of its own, so that its legs take turns with the async collector's like the figures' do. */
export function httpCeilingComparison(logsDir: string, clients: number): (legMs: number) => Comparison {
  return (legMs) => ({
    name: HTTP_CEILING_NAME,
    baseline: () => asyncCollectorLeg(logsDir, clients, legMs),
    collector: async () => ({ ...(await httpCeilingLeg(logsDir, clients, legMs)), lineBytes: 0 }),
  });
}
