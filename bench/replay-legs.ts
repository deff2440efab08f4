import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tailOf, tailRunOf, writeNewAssemblyRecord } from '../replay/assembly-record.js';
import { assembleDerivedTables, outputFiles } from '../replay/csv-assembly.js';
import { DerivedFilesLock } from '../replay/derived-lock.js';
import { replay } from '../replay/index.js';
import { replayPaths } from '../replay/replay-paths.js';
import { loadRunIndexWithAssembly, saveRunIndex, tableOrder } from '../replay/run-index.js';
import { appendToHistory } from './generate-history.js';
import type { HistorySpec } from './history-runs.js';
import type { CollectorLegResult, LegResult } from './leg.js';
import { elapsedMs } from './stats.js';

const newEvents = (report: Awaited<ReturnType<typeof replay>>): number => report.runs.reduce((sum, run) => sum + run.newEvents, 0);

function assertReplayed(report: Awaited<ReturnType<typeof replay>>): void {
  if (!report.ok) throw new Error(`replay refused a run of the generated history: ${JSON.stringify(report.runs.find((r) => r.refused))}`);
}

/**
 * `runledger replay --full` in this process: every line of every journal read, its hash and chain
 * checked, its event checked against its schema and folded by the projections, and the derived
 * files brought up to date (written where they changed).
 */
export async function fullReplayLeg(logsDir: string, lineBytes: number): Promise<CollectorLegResult> {
  const start = performance.now();
  const report = await replay({ dir: logsDir, full: true });
  const ms = elapsedMs(start);
  assertReplayed(report);
  return { lines: newEvents(report), ms, lineBytes };
}

/**
 * Appends `fraction` more events to the history (untimed: resumed crashed runs and new runs, as a
 * working day adds them), then times the incremental `runledger replay` that catches up.
 */
export async function incrementalReplayLeg(
  logsDir: string,
  spec: HistorySpec,
  events: number,
  round: number,
  lineBytes: number,
  options: { readonly resumeCrashed: boolean } = { resumeCrashed: true },
): Promise<CollectorLegResult> {
  const appended = await appendToHistory(logsDir, spec, events, round, options);
  const start = performance.now();
  const report = await replay({ dir: logsDir });
  const ms = elapsedMs(start);
  assertReplayed(report);
  const read = newEvents(report);
  if (read !== appended) throw new Error(`incremental replay read ${read} events, but ${appended} were appended`);
  return { lines: read, ms, lineBytes };
}

const replayChildScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'replay-child.js');

/** A replay in a child process of its own: its time, the events it read, and its peak RSS. */
export function replayInChild(logsDir: string, full: boolean): Promise<LegResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [replayChildScript, logsDir, ...(full ? ['full'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`the replay child ended with ${signal ?? `code ${code}`}`));
      const result = JSON.parse(out) as { events: number; ms: number; peakRssBytes: number };
      resolve({ lines: result.events, ms: result.ms, peakRssBytes: result.peakRssBytes });
    });
  });
}

/**
 * The floor of any incremental replay that changes a table: the seven tables and the analyzer's
 * inputs rewritten atomically (every run's rows copied from the last assembly by byte range, each
 * file fsync'd and renamed, each folder fsync'd), with nothing to replay. Returns the milliseconds
 * and the bytes written. The index is saved afterwards (untimed) so the next assembly can copy again.
 */
export async function tablesRewriteLeg(logsDir: string): Promise<{ ms: number; bytes: number }> {
  const paths = replayPaths(logsDir);
  const lock = await DerivedFilesLock.acquire(paths, 60_000);
  try {
    const { index, record } = loadRunIndexWithAssembly(paths);
    const order = tableOrder(index);
    const start = performance.now();
    const made = assembleDerivedTables(paths, order, { record, entries: index, changedRuns: new Set() });
    const ms = elapsedMs(start);
    if ('unverified' in made) throw new Error(`fragments that do not verify: ${made.unverified.map((u) => u.runId).join(', ')}`);
    const generation = saveRunIndex(paths, index);
    writeNewAssemblyRecord(paths, {
      generation,
      pendingBytes: 0,
      files: made.files,
      rows: Object.fromEntries(made.rows),
      ...tailOf(order.map(tailRunOf)),
    });
    return { ms, bytes: Object.values(outputFiles(paths)).reduce((sum, file) => sum + fs.statSync(file).size, 0) };
  } finally {
    lock.release();
  }
}
