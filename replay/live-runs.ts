import fs from 'node:fs';
import path from 'node:path';
import { DurableBatch } from '../src/durable/atomic-file.js';
import { runPaths } from '../src/journal/paths.js';
import { readAssemblyRecord, writeAssemblyRecord, writeNewAssemblyRecord } from './assembly-record.js';
import { DerivedFilesLock } from './derived-lock.js';
import { shouldFold } from './index-commit.js';
import { appendIndexLog, readIndexLogFrom } from './index-log.js';
import { replayHoldingLock } from './replay.js';
import { replayPaths, runRowsFile, runStateFile, type ReplayPaths } from './replay-paths.js';
import { loadEventCheck, readRunState, replayRunSteps, type CheckpointedState, type RunReplayOutcome } from './replay-run.js';
import { DEFAULT_STALE_MS } from '../src/journal/run-lock.js';
import { loadRunIndexWithAssembly, readIndexGeneration, saveRunIndex, type RunIndexEntry } from './run-index.js';
import { clearTablesStale, markTablesStale, tablesStaleSince } from './tables-stale.js';
import { rewriteChangedRuns } from './tail-rewrite.js';

/**
 * A live update of some runs (docs/DESIGN.md §7.4): what costs O(the runs' own journals), never
 * O(the history). Under the derived-files lock, each run is replayed from the checkpoint its state
 * file was projected up to (index.json and the pending log are not parsed), its JSON files,
 * fragment and state written at once, its new entry appended to the index's pending log, and the
 * tables marked stale. Without an index of this version yet, a whole replay does it all.
 * Returns since when the tables are stale.
 */
export async function updateLiveRuns(
  logsDir: string,
  runIds: readonly string[],
): Promise<{ readonly tablesStaleSince: number | null; readonly newEvents: number }> {
  const paths = replayPaths(logsDir);
  const lock = await DerivedFilesLock.acquire(paths, 60_000);
  try {
    const generation = readIndexGeneration(paths);
    const live = generation === null ? null : await replayLiveRuns(paths, lock, generation, runIds);
    if (live !== null) return { tablesStaleSince: markTablesStale(paths, Date.now()), newEvents: live.newEvents };
    const report = await replayHoldingLock(paths, lock, {});
    return { tablesStaleSince: null, newEvents: report.runs.reduce((sum, run) => sum + run.newEvents, 0) };
  } finally {
    lock.release();
  }
}

/**
 * The tables assembled if they have lagged behind for `lagMs`, under the lock: of several collectors
 * whose timers fire at once, the first assembles and the others find the tables current, or stale
 * only since a moment ago, and wait for their turn. The assembly takes in the pending entries
 * appended since the last one and rewrites the files in place from the first run they change
 * (assembleLiveTail), reading neither index.json nor the runs folder; when that cannot be done (no
 * record of the last assembly, a change before its tail), a whole replay. Returns since when they are stale.
 */
export async function assembleDueTables(logsDir: string, lagMs: number): Promise<{ readonly tablesStaleSince: number | null }> {
  const paths = replayPaths(logsDir);
  const lock = await DerivedFilesLock.acquire(paths, 60_000);
  try {
    const since = tablesStaleSince(paths);
    if (since === null || since + lagMs > Date.now()) return { tablesStaleSince: since };
    if (!(await assembleLiveTail(paths, lock))) await replayHoldingLock(paths, lock, {});
    return { tablesStaleSince: null };
  } finally {
    lock.release();
  }
}

/**
 * The pending entries since the last assembly, taken into the assembled files in place (tail-plan.ts,
 * tail-rewrite.ts), the record written, the marker cleared, and the log folded into index.json once
 * it has grown large (index-commit.ts): true when done, false when a whole replay must do it.
 */
async function assembleLiveTail(paths: ReplayPaths, lock: DerivedFilesLock): Promise<boolean> {
  const generation = readIndexGeneration(paths);
  const record = readAssemblyRecord(paths);
  if (generation === null || record === null || record.generation !== generation) return false;
  const log = readIndexLogFrom(paths, generation, record.pendingBytes);
  if (log === null) return false;
  lock.assertHeld();
  if (log.pending.size > 0) {
    // A fragment that does not verify is rebuilt from its journal by the whole replay.
    const rewritten = await rewriteChangedRuns(paths, record, log.pending);
    if (rewritten === null || 'unverified' in rewritten) return false;
    writeNewAssemblyRecord(paths, { ...rewritten, generation, pendingBytes: log.bytes });
  }
  clearTablesStale(paths);
  if (shouldFold(fs.statSync(paths.index).size, log.bytes)) foldIndexLog(paths);
  return true;
}

/** index.json written whole with the pending log's entries, and the record moved to its new generation. */
function foldIndexLog(paths: ReplayPaths): void {
  const loaded = loadRunIndexWithAssembly(paths);
  if (loaded.record === null || loaded.pending.size > 0) return; // the next replay does it
  const generation = saveRunIndex(paths, loaded.index);
  writeAssemblyRecord(paths, { ...loaded.record, generation, pendingBytes: 0 });
}

/**
 * Replays the runs into the pending log of index.json `generation`, each from the checkpoint its state
 * file was projected up to (the log is not read): the events read, or null when one needs a whole
 * replay (its journal gone or not a file, or read again from byte 0).
 */
async function replayLiveRuns(
  paths: ReplayPaths,
  lock: DerivedFilesLock,
  generation: string,
  runIds: readonly string[],
): Promise<{ newEvents: number } | null> {
  let newEvents = 0;
  const batch = new DurableBatch();
  const updated: RunIndexEntry[] = [];
  let whole = false;
  try {
    for (const runId of new Set(runIds)) {
      lock.assertHeld();
      const stat = fs.lstatSync(runPaths(paths.logsDir, runId).journal, { throwIfNoEntry: false });
      // A journal gone or not a regular file: the whole replay says why, and drops the run.
      if (!stat?.isFile()) {
        whole = true;
        break;
      }
      const saved = readRunState(paths, runId);
      const previous = saved ? checkpointOfState(runId, saved) : undefined;
      const checkEvent = await loadEventCheck();
      const outcome = await inSteps(
        replayRunSteps(paths, runId, previous, false, batch, replayFilesOf(paths, runId), stat, checkEvent, saved),
      );
      updated.push(outcome.entry);
      if (outcome.kind === 'replayed') newEvents += outcome.newEvents;
      // Read again from byte 0 though it had been replayed: its journal may have been replaced (another
      // RunStarted, so another place in the tables), which only a whole replay can tell (tail-plan.ts).
      if (outcome.kind === 'replayed' && outcome.fromScratch && previous !== undefined) whole = true;
    }
    await batch.flush();
  } catch (error) {
    batch.abort();
    throw error;
  }
  // The entries after the files they describe; the marker (the caller) after the entries.
  await appendIndexLog(paths, generation, updated);
  return whole ? null : { newEvents };
}

/**
 * Runs replayRun's steps with a turn of the event loop between them: a live update shares its thread
 * with the supervisor, whose next append (its fdatasync's callback) then waits for one step, not for
 * the whole run's update.
 */
async function inSteps(steps: Generator<void, RunReplayOutcome, void>): Promise<RunReplayOutcome> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * For a run without a pending entry: the checkpoint its state file was projected up to, as an entry
 * that says nothing else (no journal size, so never "unchanged"; its derived files never "kept").
 * replayRun continues from it when the line ending there still verifies with its hash, as from any
 * checkpoint (§6.2), so a long run is not read again from byte 0 after each table assembly.
 */
function checkpointOfState(runId: string, saved: CheckpointedState): RunIndexEntry {
  return {
    runId,
    startedAt: null,
    lastEventAt: null,
    checkpoint: saved.checkpoint,
    journalBytes: -1,
    journalMtimeMs: -1,
    unfinished: true,
    writerAlive: false,
    lockStaleMs: DEFAULT_STALE_MS,
    tornTail: null,
    refused: null,
    empty: false,
    tableRows: {},
    tableBytes: {},
  };
}

/** Which of the run's replay files exist, as replayRun asks a listing of logs/.replay/runs (one listing of a large folder is what a live update avoids). */
function replayFilesOf(paths: ReplayPaths, runId: string): Set<string> {
  return new Set(
    [runRowsFile(paths, runId), runStateFile(paths, runId)].filter((file) => fs.existsSync(file)).map((file) => path.basename(file)),
  );
}
