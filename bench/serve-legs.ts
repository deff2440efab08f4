import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runPaths, startServer } from '../src/index.js';
import { asyncCollectorLeg } from './collector-legs.js';
import type { FigureSpec } from './figures.js';
import type { Comparison } from './interleave.js';
import type { CollectorLegResult } from './leg.js';
import { averageMixLineBytes } from './line-size.js';

/**
 * The `runledger serve` figure: appends per second over HTTP against the library's own async
 * collector with the same concurrency. Both sides run the same event mix, each writer awaiting
 * every call, so both are bound by the same group commit; what serve adds is HTTP (keep-alive),
 * JSON and Fastify per line. The HTTP clients run on a worker thread, as supervisors run in
 * processes of their own; the server, like the collector, has the main thread.
 */
export function serveFigureSpec(clients: number): FigureSpec {
  return {
    name: `runledger serve appends (${clients} keep-alive HTTP clients)`,
    baselineName: `AsyncMetricsCollector in-process, ${clients} writers`,
    unit: 'lines/s',
    target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
  };
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

let legNumber = 0;

/** One timed leg: a server on a free loopback port, a run with an open issue and agent, `clients` HTTP loops for `legMs`. */
export async function serveLeg(logsDir: string, clients: number, legMs: number): Promise<CollectorLegResult> {
  const server = await startServer({ dir: logsDir, port: 0, prices: null, liveUpdates: false });
  const runId = `serve-bench-${process.pid}-${(legNumber += 1)}`;
  try {
    await postJson(`${server.url}/runs`, { projectId: 'runledger-bench', runId, config: { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 } } });
    await postJson(`${server.url}/runs/${runId}/calls`, { call: 'startIssue', args: { issueId: 1, title: 'Add login endpoint', labels: ['backend'] } });
    await postJson(`${server.url}/runs/${runId}/calls`, { call: 'startAgent', args: { agentType: 'coding' } });
    const worker = new Worker(new URL('./serve-client-worker.js', import.meta.url), { workerData: { url: server.url, runId, clients, legMs } });
    const [timed] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error))])) as [{ lines: number; ms: number }];
    await worker.terminate();
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
export function serveComparison(logsDir: string, clients: number): (legMs: number) => Comparison {
  const name = serveFigureSpec(clients).name;
  return (legMs) => ({
    name,
    baseline: () => asyncCollectorLeg(logsDir, clients, legMs),
    collector: () => serveLeg(logsDir, clients, legMs),
  });
}
