import fs from 'node:fs';
import path from 'node:path';
import { AsyncMetricsCollector, MetricsCollector, type FileOps, type StartOptions } from '../src/index.js';
import { asyncCycle, CALLS_PER_CYCLE, openIssueAndAgent, openIssueAndAgentAsync, syncCycle } from './event-mix.js';
import type { CollectorLegResult } from './leg.js';
import { averageMixLineBytes } from './line-size.js';
import { elapsedMs } from './stats.js';

function startOptions(logsDir: string, fileOps?: FileOps): StartOptions {
  return {
    dir: logsDir,
    projectId: 'runledger-bench',
    config: { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 } },
    handleSignals: false,
    prices: null,
    // The journal is what is measured: no background replay after a leg's finalizeRun.
    liveUpdates: false,
    fileOps,
  };
}

/** Reads the line size the leg really wrote, then deletes the run, so the disk holds one journal at a time. */
function measureAndRemoveRun(journalPath: string, timed: { lines: number; ms: number }): CollectorLegResult {
  try {
    return { ...timed, lineBytes: averageMixLineBytes(journalPath) };
  } finally {
    fs.rmSync(path.dirname(journalPath), { recursive: true, force: true });
  }
}

/**
 * Sync tracking calls in a loop for `legMs`; the run is started and finalized outside the timing.
 * With `fileOps` = the no-sync seam this measures the collector's CPU cost per call.
 */
export async function syncCollectorLeg(logsDir: string, legMs: number, fileOps?: FileOps): Promise<CollectorLegResult> {
  const collector = await MetricsCollector.start(startOptions(logsDir, fileOps));
  try {
    openIssueAndAgent(collector);
    let cycles = 0;
    const start = performance.now();
    while (elapsedMs(start) < legMs) {
      syncCycle(collector);
      cycles += 1;
    }
    const ms = elapsedMs(start);
    collector.finalizeRun('completed');
    return measureAndRemoveRun(collector.journalPath, { lines: cycles * CALLS_PER_CYCLE, ms });
  } finally {
    collector.close();
  }
}

/** `writers` async functions share one AsyncMetricsCollector, each awaiting its calls in a loop. */
export async function asyncCollectorLeg(logsDir: string, writers: number, legMs: number): Promise<CollectorLegResult> {
  const collector = await AsyncMetricsCollector.start(startOptions(logsDir));
  try {
    await openIssueAndAgentAsync(collector);
    let cycles = 0;
    const start = performance.now();
    const writer = async (): Promise<void> => {
      while (elapsedMs(start) < legMs) {
        await asyncCycle(collector);
        cycles += 1;
      }
    };
    await Promise.all(Array.from({ length: writers }, writer));
    const ms = elapsedMs(start);
    await collector.finalizeRun('completed');
    return measureAndRemoveRun(collector.journalPath, { lines: cycles * CALLS_PER_CYCLE, ms });
  } finally {
    collector.close();
  }
}
