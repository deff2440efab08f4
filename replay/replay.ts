import fs from 'node:fs';
import { firstUnknownKey } from '../events/known-keys.js';
import { InvalidOptionError, RunNotFoundError } from '../src/errors.js';
import { assertRunId, isValidRunId, JOURNAL_FILE, resolveLogsDir, runPaths } from '../src/journal/paths.js';
import type { EventCheck } from '../src/journal/reader.js';
import { describeFileKind } from '../src/journal/safe-open.js';
import { DurableBatch, removeFileDurably } from '../src/durable/atomic-file.js';
import { assembledFilesIntact, type PreviousAssembly } from './csv-assembly.js';
import { writeAssemblyRecord } from './assembly-record.js';
import { finishTables, reportOf } from './finish-tables.js';
import { commitIndex, type IndexChanges } from './index-commit.js';
import { DerivedFilesLock } from './derived-lock.js';
import { progressBar } from './progress.js';
import { analysisInputsFile, replayPaths, runRowsFile, runStateFile, type ReplayPaths } from './replay-paths.js';
import { TABLE_FILES } from '../projections/tables/tables.js';
import path from 'node:path';
import { loadEventCheck, replayRun, unchangedRun, unsafeRunEntry, type RunReplayOutcome } from './replay-run.js';
import type { ReplayReport, RunReplayReport } from './replay-report.js';
import { clearTablesStale, tablesStaleSince } from './tables-stale.js';
import { loadRunIndexWithAssembly, type RunIndexEntry } from './run-index.js';

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

export type { ReplayReport, RunReplayReport } from './replay-report.js';

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

/**
 * replay(), then `read` while the derived-files lock is still held: the assembled files are written in
 * place from their first changed run (docs/DESIGN.md §6.3), so a reader of them takes its turn on the
 * lock like a writer, and never sees one half rewritten.
 */
export async function replayThenRead<T>(dir: string, read: (report: ReplayReport) => Promise<T>): Promise<T> {
  const paths = replayPaths(resolveLogsDir(dir));
  const lock = await DerivedFilesLock.acquire(paths, 60_000);
  try {
    return await read(await replayHoldingLock(paths, lock, {}));
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
  const { index, runs, changed, previous } = await updateRuns(paths, lock, options);
  const record = previous.record;
  // Nothing new in any journal: the tables and the analyzer's inputs are what this replay would write.
  if (!changed && record && tablesPresent(paths) && assembledFilesIntact(paths, record)) {
    if (previous.changes.updated.length > 0) {
      // Entries that changed without changing a row (a writer that died, a journal touched): the same files, a new index.
      const { generation, logBytes } = await commitIndex(paths, index, previous.changes);
      writeAssemblyRecord(paths, { ...record, generation, pendingBytes: logBytes });
    }
    clearTablesStale(paths);
    return { ...reportOf(paths, runs, new Map(Object.entries(record.rows))), ...lagged };
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
  previous: PreviousAssembly & { readonly changes: IndexChanges };
}> {
  const loaded = loadRunIndexWithAssembly(paths);
  const { index, assembled, pending } = loaded;
  // The entries the last table assembly was made from (updates replace entries, never change them).
  const entries = new Map(assembled);
  const journals = journalsOnDisk(paths.logsDir);
  const onDisk = [...journals.keys()];
  const onDiskSet = new Set(onDisk);
  const gone = [...index.keys()].filter((id) => !onDiskSet.has(id));
  // Runs a live update replayed since that assembly (their rows in the tables are older than their fragments), and runs gone.
  const changedRuns = new Set<string>([...pending, ...gone]);
  for (const runId of gone) forgetRun(paths, index, runId);
  const wanted = new Set(options.runIds ?? onDisk);
  // Runs outside the selection are replayed too when they have never been: the tables hold every run.
  const todo = onDisk.filter((id) => wanted.has(id) || !index.has(id));
  const progress = progressBar('replay', todo.length, options.progress ?? false);
  const runs: RunReplayReport[] = [];
  // One listing instead of existence checks per run.
  const replayFiles = listFileNames(path.dirname(runRowsFile(paths, 'x')));
  const batch = new DurableBatch();
  // Whether the tables must be assembled again, and the entries to save.
  let changed = gone.length > 0 || pending.size > 0;
  const updated: RunIndexEntry[] = [];
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
      if (index.get(runId) !== outcome.entry) updated.push(outcome.entry);
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
  const changes = {
    generation: loaded.generation,
    indexBytes: loaded.indexBytes,
    logBytes: loaded.logBytes,
    updated,
    removed: gone.length > 0,
  };
  return { index, runs, changed, previous: { record: loaded.record, entries, changedRuns, changes } };
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
