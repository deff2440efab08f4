import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PriceBook } from '../src/index.js';
import { crashedRunIndexes, runIdOf, runOf, type HistorySpec } from './history-runs.js';
import { appendToCrashedRun, writeSimulatedRun } from './simulated-run.js';
import { elapsedMs } from './stats.js';

export interface GeneratedHistory {
  readonly logsDir: string;
  readonly spec: HistorySpec;
  readonly runs: number;
  readonly events: number;
  readonly journalBytes: number;
  readonly seconds: number;
}

const workerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'generate-worker.js');

function runWorker(dir: string, spec: HistorySpec, first: number, count: number): Promise<{ events: number; runs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerScript, JSON.stringify({ dir, spec, first, count })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0)
        return reject(new Error(`history generator worker (runs ${first}..${first + count - 1}) ended with ${signal ?? `code ${code}`}`));
      resolve(JSON.parse(out) as { events: number; runs: number });
    });
  });
}

/** Bytes of every events.ndjson under `logsDir/runs`. */
function journalBytes(logsDir: string): number {
  const runsDir = path.join(logsDir, 'runs');
  let total = 0;
  for (const runId of fs.readdirSync(runsDir)) {
    try {
      total += fs.statSync(path.join(runsDir, runId, 'events.ndjson')).size;
    } catch {
      // not a run folder
    }
  }
  return total;
}

/**
 * Writes a history of `spec.runs` runs and about `spec.events` events into `logsDir` through the
 * real collector and journal writer (fsync off), in one child process per core.
 */
export async function generateHistory(logsDir: string, spec: HistorySpec): Promise<GeneratedHistory> {
  const started = performance.now();
  const workers = Math.max(1, Math.min(os.cpus().length, spec.runs));
  const slice = Math.ceil(spec.runs / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => ({ first: w * slice, count: Math.max(0, Math.min(slice, spec.runs - w * slice)) }))
      .filter((part) => part.count > 0)
      .map((part) => runWorker(logsDir, spec, part.first, part.count)),
  );
  return {
    logsDir,
    spec,
    runs: parts.reduce((sum, p) => sum + p.runs, 0),
    events: parts.reduce((sum, p) => sum + p.events, 0),
    journalBytes: journalBytes(logsDir),
    seconds: elapsedMs(started) / 1000,
  };
}

/**
 * Appends about `events` events to a history, as the next working session would: half to crashed
 * runs that are resumed (their journals grow, and they are left crashed again so that a later round
 * can resume them once more), half as new runs; or, with `resumeCrashed: false`, all as new runs.
 * Returns the events written.
 */
export async function appendToHistory(
  logsDir: string,
  spec: HistorySpec,
  events: number,
  round: number,
  options: { readonly resumeCrashed: boolean } = { resumeCrashed: true },
): Promise<number> {
  const priceBook = new PriceBook({ overrideFile: null });
  const mean = spec.events / spec.runs;
  const crashed = crashedRunIndexes(spec);
  const perRun = Math.max(12, Math.round(mean));
  const resumedRuns = options.resumeCrashed ? Math.min(crashed.length, Math.max(1, Math.round(events / 2 / perRun))) : 0;
  const newRuns = Math.max(1, Math.round((events - resumedRuns * perRun) / perRun));
  let written = 0;
  for (let i = 0; i < resumedRuns; i += 1) {
    const index = crashed[(round * resumedRuns + i) % crashed.length]!;
    const run = runOf(spec, index);
    // Issue ids far above any the run has used; the simulated clock moves on a day per round.
    written += await appendToCrashedRun(
      {
        ...run,
        dir: logsDir,
        priceBook,
        targetEvents: perRun,
        startAt: run.startAt + (round + 1) * 86_400_000,
        seed: run.seed + round + 1,
      },
      100_000 * (round + 1),
    );
  }
  // New runs only: started after every run of the history and of the other kind of round, so they sort last.
  const firstIndex = options.resumeCrashed ? spec.runs : 2 * spec.runs;
  for (let i = 0; i < newRuns; i += 1) {
    const index = firstIndex + round * newRuns + i;
    const run = runOf(spec, index);
    written += await writeSimulatedRun({
      ...run,
      runId: `${runIdOf(index)}_${options.resumeCrashed ? 'appended' : 'new'}`,
      dir: logsDir,
      priceBook,
      targetEvents: perRun,
      ending: 'completed',
    });
  }
  return written;
}
