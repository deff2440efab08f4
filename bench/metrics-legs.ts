import { startServer } from '../src/entries/serve.js';
import type { FigureSpec } from './build-figure.js';
import type { Comparison } from './interleave.js';
import type { CollectorLegResult, LegResult } from './leg.js';
import { median } from './stats.js';

/** Requests per leg; a leg's time is their median. */
const REQUESTS_PER_LEG = 10;

export const scrapeSpec = (runs: string): FigureSpec => ({
  name: `scrape of GET /metrics (${runs} runs)`,
  baselineName: 'GET /health on the same server',
  unit: 'ms',
  target: { of: 'value', comparison: '<', threshold: 100 },
  note: 'runledger serve in-process, scraped after its first load; median of 10 scrapes per leg. The background refresh (incremental replay, then only the runs whose index entry changed) is not part of a scrape, and none ran during the legs',
});

async function timedGets(url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS_PER_LEG; i += 1) {
    const began = performance.now();
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    await response.text();
    times.push(performance.now() - began);
  }
  return median(times);
}

/**
 * `runledger serve` on the history, its metrics loaded once (the first scrape, timed and logged),
 * then scrapes against the lightest request of the same server. Returns the comparison and a close.
 */
export async function scrapeComparison(
  logsDir: string,
  name: string,
  lineBytes: number,
  log: (message: string) => void,
): Promise<{ comparison: Comparison; close: () => Promise<void> }> {
  // No background refresh during the legs: an hour between refreshes.
  const server = await startServer({ dir: logsDir, port: 0, liveUpdates: false, prices: null, metrics: { refreshIntervalMs: 3_600_000 } });
  const began = performance.now();
  const first = await fetch(`${server.url}/metrics`);
  const exposition = await first.text();
  log(`  first scrape (loads every run's state once): ${(performance.now() - began).toFixed(0)} ms, ${exposition.length} bytes`);
  const comparison: Comparison = {
    name,
    baseline: async (): Promise<LegResult> => ({ lines: REQUESTS_PER_LEG, ms: await timedGets(`${server.url}/health`) }),
    collector: async (): Promise<CollectorLegResult> => ({
      lines: REQUESTS_PER_LEG,
      ms: await timedGets(`${server.url}/metrics`),
      lineBytes,
    }),
  };
  return { comparison, close: async () => void (await server.close('bench done')) };
}
