import fs from 'node:fs';
import { firstUnknownKey } from '../events/known-keys.js';
import { InvalidOptionError, RunNotFoundError } from '../src/errors.js';
import { assertRunId, isValidRunId, JOURNAL_FILE, resolveLogsDir, runPaths } from '../src/journal/paths.js';
import type { EventCheck } from '../src/journal/reader.js';
import { describeFileKind } from '../src/journal/safe-open.js';
import { DurableBatch, removeFileDurably } from '../src/durable/atomic-file.js';
import { assembledFilesIntact, assembleDerivedTables, type PreviousAssembly } from './csv-assembly.js';
import { DerivedFilesLock } from './derived-lock.js';
import { progressBar } from './progress.js';
import { analysisInputsFile, replayPaths, runRowsFile, runStateFile, type ReplayPaths } from './replay-paths.js';
import { TABLE_FILES } from '../projections/tables/tables.js';
import path from 'node:path';
import { loadEventCheck, replayRun, unchangedRun, unsafeRunEntry, type RunReplayOutcome } from './replay-run.js';
import { warnDiscarded } from './derived-warning.js';
import { clearTablesStale, tablesStaleSince } from './tables-stale.js';
import { countRows, loadRunIndexWithAssembly, saveRunIndex, tableOrder, type RunIndexEntry } from './run-index.js';

export interface ReplayOptions {
  readonly dir?: string;
  /** Replay only these runs (the tables still hold every run). Default: all. */
  readonly runIds?: readonly string[];
  /** Ignore checkpoints: read every journal from its first byte. */
  readonly full?: boolean;
  /** Show a progress bar on a TTY. */
  readonly progress?: boolean;
  /** How long to wait for another writer of derived files. Default 60 s. */
  readonly lockWaitMs?: number;
}

export interface RunReplayReport {
  readonly runId: string;
  readonly outcome: RunReplayOutcome['kind'];
  /** Events read by this replay (only the new ones when it continued from a checkpoint). */
  readonly newEvents: number;
  readonly fromScratch: boolean;
  readonly tornTail: { readonly offset: number; readonly bytes: number } | null;
  /** Corruption that made replay refuse the run. */
  readonly refused: { readonly line: number; readonly offset: number; readonly problem: string } | null;
}

export interface ReplayReport {
  readonly dir: string;
  /** False when a run was refused for corruption. */
  readonly ok: boolean;
  readonly runs: readonly RunReplayReport[];
  readonly tables: ReadonlyArray<{ readonly file: string; readonly rows: number }>;
  /** Live updates had left the tables behind the runs since then (ISO 8601); this replay brought them up to date. */
  readonly tablesLaggedSince?: string;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Replay: brings every run's derived files up to date with its journal (incrementally, from
 * checkpoints), then rewrites the seven CSV tables. The only writer of derived files; everything
 * it writes can be deleted and rebuilt. Deterministic: the same journals give the same bytes.
 */
const REPLAY_OPTIONS = ['dir', 'runIds', 'full', 'progress', 'lockWaitMs'];

export async function replay(options: ReplayOptions = {}): Promise<ReplayReport> {
  const unknown = firstUnknownKey(options, REPLAY_OPTIONS);
  if (unknown) throw new InvalidOptionError('replay', unknown.key, unknown.message);
  const paths = replayPaths(resolveLogsDir(options.dir));
  for (const runId of options.runIds ?? []) {
    assertRunId(runId);
    if (!fs.existsSync(runPaths(paths.logsDir, runId).journal)) throw new RunNotFoundError(runId, runPaths(paths.logsDir, runId).journal);
  }
  const lock = await DerivedFilesLock.acquire(paths, options.lockWaitMs ?? 60_000);
  try {
    return await replayHoldingLock(paths, lock, options);
  } finally {
    lock.release();
  }
}

/** replay() once its options are checked and the derived-files lock is taken. */
export async function replayHoldingLock(
  paths: ReplayPaths,
  lock: DerivedFilesLock,
  options: Pick<ReplayOptions, 'runIds' | 'full' | 'progress'>,
): Promise<ReplayReport> {
  const staleSince = tablesStaleSince(paths);
  const lagged = staleSince === null ? {} : { tablesLaggedSince: new Date(staleSince).toISOString() };
  const { index, runs, changed, indexChanged, previous } = await updateRuns(paths, lock, options);
  // Nothing new in any journal: the tables and the analyzer's inputs are what this replay would write.
  if (!changed && tablesPresent(paths) && assembledFilesIntact(paths, previous.assembly)) {
    if (indexChanged) saveRunIndex(paths, index, previous.assembly);
    clearTablesStale(paths);
    return { ...reportOf(paths, runs, countRows(index, TABLE_FILES)), ...lagged };
  }
  return { ...(await finishTables(paths, lock, index, runs, previous)), ...lagged };
}

/** Brings the derived files of every run (or the selected ones) up to date; the caller holds the lock. */
// eslint-disable-next-line complexity -- per run: replay, note what changed, flush the batch, yield; one sequence under the lock
export async function updateRuns(
  paths: ReplayPaths,
  lock: DerivedFilesLock,
  options: Pick<ReplayOptions, 'runIds' | 'full' | 'progress'>,
): Promise<{
  index: Map<string, RunIndexEntry>;
  runs: RunReplayReport[];
  changed: boolean;
  indexChanged: boolean;
  previous: PreviousAssembly;
}> {
  const { index, assembly, assembled, pending } = loadRunIndexWithAssembly(paths);
  // The entries the last table assembly was made from (updates replace entries, never change them).
  const entries = new Map(assembled);
  // Runs a live update replayed since that assembly: their rows in the tables are older than their fragments.
  const changedRuns = new Set<string>(pending);
  const journals = journalsOnDisk(paths.logsDir);
  const onDisk = [...journals.keys()];
  const onDiskSet = new Set(onDisk);
  const gone = [...index.keys()].filter((id) => !onDiskSet.has(id));
  for (const runId of gone) forgetRun(paths, index, runId);
  const wanted = new Set(options.runIds ?? onDisk);
  // Runs outside the selection are replayed too when they have never been: the tables hold every run.
  const todo = onDisk.filter((id) => wanted.has(id) || !index.has(id));
  const progress = progressBar('replay', todo.length, options.progress ?? false);
  const runs: RunReplayReport[] = [];
  // One listing instead of existence checks per run.
  const replayFiles = listFileNames(path.dirname(runRowsFile(paths, 'x')));
  const batch = new DurableBatch();
  // Whether the tables must be assembled again, and whether the index must be saved again.
  let changed = gone.length > 0 || pending.size > 0;
  let indexChanged = changed;
  let lastYield = Date.now();
  let checkEvent: EventCheck | undefined;
  try {
    for (const [i, runId] of todo.entries()) {
      lock.assertHeld();
      const previousEntry = index.get(runId);
      const stat = journals.get(runId)!;
      let outcome: RunReplayOutcome;
      if ('unsafe' in stat) {
        // Its derived files in logs/.replay are dropped; nothing is removed through the link.
        const entry = unsafeRunEntry(runId, stat.unsafe, previousEntry);
        if (entry !== previousEntry) for (const file of [runRowsFile(paths, runId), runStateFile(paths, runId)]) batch.remove(file);
        outcome = entry === previousEntry ? { kind: 'unchanged', entry } : { kind: 'refused', entry };
      } else {
        outcome =
          unchangedRun(paths, runId, previousEntry, options.full ?? false, replayFiles, stat) ??
          replayRun(paths, runId, previousEntry, options.full ?? false, batch, replayFiles, stat, (checkEvent ??= await loadEventCheck()));
      }
      if (outcome.kind !== 'unchanged' && !(outcome.kind === 'replayed' && outcome.derivedKept)) {
        changed = true;
        changedRuns.add(runId);
      }
      if (index.get(runId) !== outcome.entry) indexChanged = true;
      index.set(runId, outcome.entry);
      runs.push({
        runId,
        outcome: outcome.kind,
        newEvents: outcome.kind === 'replayed' ? outcome.newEvents : 0,
        fromScratch: outcome.kind === 'replayed' ? outcome.fromScratch : false,
        tornTail: outcome.kind === 'replayed' ? outcome.tornTail : null,
        refused: outcome.entry.refused,
      });
      progress.update(i + 1);
      if (batch.isFull) await batch.flushInBackground(); // its fsyncs run on other threads while the next runs are replayed
      if (Date.now() - lastYield > 50) {
        await yieldToEventLoop(); // lets the lock's refresh timer run
        lastYield = Date.now();
      }
    }
    // Every derived file is durable before the index that points at them and the tables made from them.
    await batch.flush();
  } catch (error) {
    batch.abort();
    throw error;
  }
  progress.finish();
  return { index, runs, changed, indexChanged, previous: { assembly, entries, changedRuns } };
}

/**
 * Every run with a journal, by run id in order, with its journal's lstat: one lstat per run (listRunIds
 * and a stat in replayRun made two, and at 10,000 runs a replay with nothing new is mostly these).
 * Nothing is followed (docs/DESIGN.md §6.5): a run folder that is a symbolic link (the folder's own
 * entry says so, no extra call) or a journal that is a link or not a regular file (a FIFO would block
 * the reader forever) maps to why the run is refused, and replay never reads or writes there.
 */
function journalsOnDisk(logsDir: string): Map<string, fs.Stats | { readonly unsafe: string }> {
  const runsDir = path.join(logsDir, 'runs');
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(runsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const found = new Map<string, fs.Stats | { readonly unsafe: string }>();
  const prefix = `${runsDir}${path.sep}`;
  const suffix = `${path.sep}${JOURNAL_FILE}`;
  for (const entry of entries.filter((e) => isValidRunId(e.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const runDir = `${prefix}${entry.name}`;
    if (entry.isSymbolicLink()) {
      // A link to a folder with a journal would have been a run: refuse it by name. A link to anything else is no run.
      if (fs.existsSync(`${runDir}${suffix}`)) found.set(entry.name, { unsafe: `${runDir} is a symbolic link` });
      continue;
    }
    const stat = fs.lstatSync(`${runDir}${suffix}`, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    if (stat.isFile()) found.set(entry.name, stat);
    else found.set(entry.name, { unsafe: `${runDir}${suffix} is ${describeFileKind(stat)}` });
  }
  return found;
}

function listFileNames(dir: string): Set<string> {
  try {
    return new Set(fs.readdirSync(dir));
  } catch {
    return new Set();
  }
}

/** The seven tables and the analyzer's inputs are all in place (a user may have deleted logs/csv). */
function tablesPresent(paths: ReplayPaths): boolean {
  return (
    fs.existsSync(analysisInputsFile(paths)) &&
    fs.existsSync(paths.index) &&
    TABLE_FILES.every((file) => fs.existsSync(path.join(paths.csvDir, file)))
  );
}

/** Drops a run's replay bookkeeping (its journal is gone); its rows leave the tables at the next assembly. */
export function forgetRun(paths: ReplayPaths, index: Map<string, RunIndexEntry>, runId: string): void {
  index.delete(runId);
  removeFileDurably(runRowsFile(paths, runId));
  removeFileDurably(runStateFile(paths, runId));
}

/**
 * Rewrites the seven tables and saves the index; the caller holds the lock. A run whose fragment does
 * not verify (its lengths or SHA-256) is rebuilt from its journal, with one warning line, and the
 * tables are assembled again: derived state is never trusted over the journals (docs/DESIGN.md §6.5).
 */
export async function finishTables(
  paths: ReplayPaths,
  lock: DerivedFilesLock,
  index: Map<string, RunIndexEntry>,
  runs: RunReplayReport[],
  previous?: PreviousAssembly,
): Promise<ReplayReport> {
  let last = previous;
  for (let attempt = 0; ; attempt += 1) {
    lock.assertHeld();
    const made = assembleDerivedTables(paths, tableOrder(index), last);
    if ('assembly' in made) {
      saveRunIndex(paths, index, made.assembly);
      // Current now, whoever asked (replay, cleanup, central replay): live updates' marker goes.
      clearTablesStale(paths);
      return reportOf(paths, runs, made.rows);
    }
    // A fragment just rebuilt from its journal that still does not verify: the disk is not keeping what is written.
    if (attempt > 0)
      throw new Error(
        `${runRowsFile(paths, made.unverified[0]!.runId)} does not verify even after a rebuild: ${made.unverified[0]!.problem}`,
      );
    const checkEvent = await loadEventCheck();
    const batch = new DurableBatch();
    try {
      for (const { runId, problem } of made.unverified) {
        warnDiscarded(runRowsFile(paths, runId), problem);
        const stat = fs.lstatSync(runPaths(paths.logsDir, runId).journal);
        index.set(runId, replayRun(paths, runId, undefined, true, batch, new Set(), stat, checkEvent).entry);
      }
      await batch.flush();
    } catch (error) {
      batch.abort();
      throw error;
    }
    const rebuilt = new Set(made.unverified.map((u) => u.runId));
    last = last && { ...last, changedRuns: new Set([...last.changedRuns, ...rebuilt]) };
  }
}

function reportOf(paths: ReplayPaths, runs: RunReplayReport[], rowCounts: ReadonlyMap<string, number>): ReplayReport {
  return {
    dir: paths.logsDir,
    ok: runs.every((r) => r.refused === null),
    runs,
    tables: [...rowCounts.entries()].map(([file, rows]) => ({ file, rows })),
  };
}
