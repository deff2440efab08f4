import fs from 'node:fs';
import path from 'node:path';
import type { RunEntry } from '../src/journal/envelope.js';
import { initialRunProjection, evolveRunProjection, runReadModels, type RunProjectionState } from '../projections/run-projection.js';
import { analysisRunOf } from '../projections/analysis-input.js';
import { runTableRows } from '../projections/tables/tables.js';
import { checkLine, sha256Hex } from '../src/journal/line.js';
import { runPaths } from '../src/journal/paths.js';
import { scanJournal, type EventCheck } from '../src/journal/reader.js';
import { DEFAULT_STALE_MS, isRunLocked } from '../src/journal/run-lock.js';
import { GENESIS_HASH } from '../src/journal/envelope.js';
import { describeFileKind } from '../src/journal/safe-open.js';
import type { DurableBatch } from '../src/durable/atomic-file.js';
import { encodeFragments, type RunFragments } from './fragment-file.js';
import { encodeCsvRows } from './csv-encoding.js';
import { removeRunJson, writeRunJsonSteps } from './derived-json.js';
import { runJsonFiles, runRowsFile, runRowsFileName, runStateFile, type ReplayPaths } from './replay-paths.js';
import type { RunIndexEntry } from './run-index.js';
import { decodeState, encodeState } from './state-codec.js';
import { warnDiscarded } from './derived-warning.js';

export type RunReplayOutcome =
  | { readonly kind: 'unchanged'; readonly entry: RunIndexEntry }
  | {
      readonly kind: 'replayed';
      readonly entry: RunIndexEntry;
      readonly newEvents: number;
      readonly fromScratch: boolean;
      readonly tornTail: { offset: number; bytes: number } | null;
      /** Read in full, and the derived files were already made from exactly these lines: kept as they are. */
      readonly derivedKept: boolean;
    }
  | { readonly kind: 'refused'; readonly entry: RunIndexEntry }
  | { readonly kind: 'empty'; readonly entry: RunIndexEntry };

/**
 * The outcome of a run whose journal is as it was at its last replay and whose derived files are
 * there: nothing to read. Null when replayRun must read it (or `full` asks for every run).
 */
export function unchangedRun(
  paths: ReplayPaths,
  runId: string,
  previous: RunIndexEntry | undefined,
  full: boolean,
  replayFiles: ReadonlySet<string>,
  stat: fs.Stats,
): RunReplayOutcome | null {
  if (full || !previous) return null;
  const hasRowsFile = (id: string): boolean => replayFiles.has(runRowsFileName(id));
  // Built only when needed: at 10,000 runs most are unchanged, and need neither path nor lock.
  let run: ReturnType<typeof runPaths> | null = null;
  const lockedWithin = (staleMs: number): boolean => isRunLocked((run ??= runPaths(paths.logsDir, runId)), staleMs);
  return isUnchanged(previous, stat, lockedWithin, hasRowsFile) ? { kind: 'unchanged', entry: previous } : null;
}

/** The events' schemas, and zod with them, load with the first journal that has lines to check: a replay with nothing new never needs them. */
export async function loadEventCheck(): Promise<EventCheck> {
  return (await import('../events/registry.js')).checkJournalEvent;
}

/**
 * Brings one run's derived files up to date with its journal. Reads only what is new since the
 * checkpoint when the checkpointed prefix still matches: the file is at least as long, and the line
 * that ends at the checkpoint still carries the checkpoint's hash (which chains to every hash
 * before it), so the prefix was not cut short, replaced or rewritten from the checkpoint back.
 * Otherwise the run is rebuilt from its first byte. Incremental replay does not re-read the
 * verified prefix: a byte edited inside it in place is found by `runledger verify` and by
 * `replay --full`, which read every line. For a run unchanged since then, unchangedRun answers
 * without reading; `checkEvent` checks each new line's event (loadEventCheck).
 */
export function replayRun(...args: Parameters<typeof replayRunSteps>): RunReplayOutcome {
  const steps = replayRunSteps(...args);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * replayRun in steps: each `yield` is a point where a caller that shares its thread with others (a
 * supervisor's live update, which runs on the supervisor's own event loop) may let them run before
 * the next step; none is longer than reading the new lines, projecting, encoding or a few issues' JSON
 * files. The first yield comes after the journal is read and the writer's lock asked, so that the
 * lines read are the ones that were there when `stat` was taken, and the lock is the one of that
 * moment (the run's own writer, on the caller's thread, cannot append or let go between).
 * `saved`: the run's state file, when the caller has already read it (else it is read here).
 */
// eslint-disable-next-line complexity -- the ladder of incremental replay (unchanged, resume, rebuild), kept whole to read in order
export function* replayRunSteps(
  paths: ReplayPaths,
  runId: string,
  previous: RunIndexEntry | undefined,
  full: boolean,
  batch: DurableBatch,
  replayFiles: ReadonlySet<string>,
  stat: fs.Stats,
  checkEvent: EventCheck,
  saved?: CheckpointedState | null,
): Generator<void, RunReplayOutcome, void> {
  const run = runPaths(paths.logsDir, runId);
  const { journal } = run;
  const unsafe = unsafeIssuesFolder(paths, runId, previous, batch);
  if (unsafe) return unsafe;

  const resumeFrom = full || !previous || previous.refused ? null : usableCheckpoint(paths, journal, previous, stat.size, saved);
  const state = resumeFrom?.state ?? initialRunProjection();
  let lastLineStart = resumeFrom ? previous!.checkpoint.lastLineStart : 0;
  let lineEnd = resumeFrom ? previous!.checkpoint.offset : 0;
  const scan = scanJournal(journal, { runId, checkEvent, from: resumeFrom?.from }, (entry, end) => {
    evolveRunProjection(state, entry as RunEntry);
    lastLineStart = lineEnd;
    lineEnd = end;
  });

  // Alive as the writer defined it: its own stale time, recorded in the journal. Asked in the step
  // that read the lines: a writer that appends RunFinished and lets go of its lock during a yield
  // would otherwise look crashed.
  const lockStaleMs = state.summary.lockStaleMs ?? DEFAULT_STALE_MS;
  // A run with RunFinished has its status whatever its lock says: its lock is not asked.
  const writerAlive = state.summary.recordedStatus === null && isRunLocked(run, lockStaleMs);
  yield;
  const base = {
    runId,
    startedAt: state.summary.startedAt,
    lastEventAt: state.summary.lastEventAt,
    checkpoint: { offset: scan.goodEnd, seq: scan.lastSeq, hash: scan.lastHash, lastLineStart },
    journalBytes: stat.size,
    journalMtimeMs: stat.mtimeMs,
    unfinished: state.summary.recordedStatus === null,
    writerAlive,
    lockStaleMs,
    tornTail: scan.tail.kind === 'torn' ? { offset: scan.tail.offset, bytes: scan.tail.bytes } : null,
  };
  if (scan.tail.kind === 'corrupt') {
    const { line, offset, problem } = scan.tail.damage;
    removeDerived(paths, runId, batch);
    return { kind: 'refused', entry: { ...base, refused: { line, offset, problem }, empty: false, tableRows: {}, tableBytes: {} } };
  }
  const tornTail = base.tornTail;
  if (resumeFrom === null && previous && derivedFromTheSameLines(paths, previous, base, replayFiles)) {
    return {
      kind: 'replayed',
      entry: previous.journalMtimeMs === stat.mtimeMs ? previous : { ...previous, journalMtimeMs: stat.mtimeMs },
      newEvents: scan.entries,
      fromScratch: true,
      tornTail,
      derivedKept: true,
    };
  }
  const models = runReadModels(state, { writerAlive, bytes: stat.size, tornTail });
  if (models === null) {
    removeDerived(paths, runId, batch);
    return { kind: 'empty', entry: { ...base, refused: null, empty: true, tableRows: {}, tableBytes: {} } };
  }
  yield;
  yield* writeRunJsonSteps(paths.logsDir, models, state.summary.recordedStatus !== null, batch);
  const fragments: RunFragments = {
    tables: Object.fromEntries(runTableRows(models).map((t) => [t.file, { csv: encodeCsvRows(t.rows), rows: t.rows.length }])),
    analysis: analysisRunOf(models),
  };
  const { bytes: fragmentFile, tableBytes } = encodeFragments(fragments);
  batch.write(runRowsFile(paths, runId), fragmentFile);
  yield;
  batch.write(runStateFile(paths, runId), sealState(encodeState({ checkpoint: base.checkpoint, state } satisfies CheckpointedState)));
  const tableRows = Object.fromEntries(Object.entries(fragments.tables).map(([file, t]) => [file, t.rows]));
  return {
    kind: 'replayed',
    entry: { ...base, refused: null, empty: false, tableRows, tableBytes },
    newEvents: scan.entries,
    fromScratch: resumeFrom === null,
    tornTail,
    derivedKept: false,
  };
}

/**
 * A full read that verified every line and ended on the very line the run's derived files were
 * made from: that line's hash chains to every line before it, so the events are the ones they were
 * projected from, and with the same journal facts (size, torn tail, writer) the projections give
 * the same bytes again. They are kept as they are instead of being made and compared once more.
 * (A runledger of another version ignores the index, so its projections rebuild everything.)
 */
// eslint-disable-next-line complexity -- a conjunction: every fact must hold for the derived files to be kept
function derivedFromTheSameLines(
  paths: ReplayPaths,
  previous: RunIndexEntry,
  now: Omit<RunIndexEntry, 'refused' | 'empty' | 'tableRows' | 'tableBytes'>,
  replayFiles: ReadonlySet<string>,
): boolean {
  const [was, is] = [previous.checkpoint, now.checkpoint];
  return (
    previous.refused === null &&
    !previous.empty &&
    was.offset === is.offset &&
    was.hash === is.hash &&
    was.seq === is.seq &&
    was.lastLineStart === is.lastLineStart &&
    previous.journalBytes === now.journalBytes &&
    previous.unfinished === now.unfinished &&
    previous.writerAlive === now.writerAlive &&
    previous.tornTail?.offset === now.tornTail?.offset &&
    previous.tornTail?.bytes === now.tornTail?.bytes &&
    replayFiles.has(runRowsFileName(previous.runId)) &&
    replayFiles.has(path.basename(runStateFile(paths, previous.runId))) &&
    fs.existsSync(runJsonFiles(paths.logsDir, previous.runId).metadata)
  );
}

/** A run's state file: the projected state and the checkpoint it was projected up to. */
export interface CheckpointedState {
  readonly checkpoint: RunIndexEntry['checkpoint'];
  readonly state: RunProjectionState;
}

/** Reads a run's state file; null when it is missing or unreadable. */
export function readRunState(paths: ReplayPaths, runId: string): CheckpointedState | null {
  const file = runStateFile(paths, runId);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null; // missing: the run is read from byte 0, as it must be
  }
  const problem = unsealState(text);
  if (typeof problem !== 'string') {
    try {
      const decoded = decodeState<CheckpointedState>(problem.json);
      if (decoded && typeof decoded === 'object' && decoded.checkpoint && decoded.state) return decoded;
    } catch {
      // a checksum that matches over bytes that do not decode: treated as any other damage
    }
  }
  warnDiscarded(file, typeof problem === 'string' ? problem : 'it does not decode');
  return null;
}

/** A state file is its SHA-256 in hex, a newline, then the state's JSON: damage is found before the JSON is trusted. */
function sealState(json: string): string {
  return `${sha256Hex(json)}\n${json}`;
}

function unsealState(text: string): { json: string } | string {
  const newline = text.indexOf('\n');
  if (newline !== 64) return 'it has no checksum line';
  const json = text.slice(65);
  return sha256Hex(json) === text.slice(0, 64) ? { json } : 'its SHA-256 does not match its bytes';
}

function isUnchanged(
  previous: RunIndexEntry,
  stat: fs.Stats,
  lockedWithin: (staleMs: number) => boolean,
  hasRowsFile: (runId: string) => boolean,
): boolean {
  if (previous.journalBytes !== stat.size || previous.journalMtimeMs !== stat.mtimeMs) return false;
  // Without RunFinished the status is "running" or "crashed" by the writer's lock, which can change alone.
  // (Asked only then: a finished run's status never depends on its lock.)
  if (previous.unfinished && previous.writerAlive !== lockedWithin(previous.lockStaleMs)) return false;
  return previous.refused !== null || previous.empty || hasRowsFile(previous.runId);
}

function usableCheckpoint(
  paths: ReplayPaths,
  journal: string,
  previous: RunIndexEntry,
  size: number,
  alreadyRead: CheckpointedState | null | undefined,
): { state: RunProjectionState; from: { offset: number; seq: number; hash: string } } | null {
  const { offset, seq, hash, lastLineStart } = previous.checkpoint;
  if (offset === 0 || size < offset) return null;
  const fd = fs.openSync(journal, 'r');
  let lastLine: Buffer;
  try {
    lastLine = Buffer.alloc(offset - lastLineStart - 1); // without its newline
    fs.readSync(fd, lastLine, 0, lastLine.length, lastLineStart);
  } finally {
    fs.closeSync(fd);
  }
  const checked = checkLine(lastLine);
  if (!checked.ok || checked.hash !== hash) return null;
  // The state must be the one projected up to this very checkpoint: after a crash between writing
  // states and saving the index, a newer state would count the events after the checkpoint twice.
  const saved = alreadyRead === undefined ? readRunState(paths, previous.runId) : alreadyRead;
  if (!saved || saved.checkpoint.offset !== offset || saved.checkpoint.hash !== hash || saved.checkpoint.seq !== seq) return null;
  return { state: saved.state, from: { offset, seq, hash } };
}

function removeDerived(paths: ReplayPaths, runId: string, batch: DurableBatch): void {
  removeRunJson(paths.logsDir, runId, batch);
  batch.remove(runRowsFile(paths, runId));
  batch.remove(runStateFile(paths, runId));
}

/**
 * The index entry of a run refused because its folder or journal is not what it must be: no checkpoint,
 * no rows, nothing read. Kept as it was when the reason has not changed, so the tables are not rewritten for it.
 */
export function unsafeRunEntry(runId: string, problem: string, previous: RunIndexEntry | undefined): RunIndexEntry {
  if (previous?.refused?.problem === problem && previous.journalBytes === 0) return previous;
  return {
    runId,
    startedAt: null,
    lastEventAt: null,
    checkpoint: { offset: 0, seq: 0, hash: GENESIS_HASH, lastLineStart: 0 },
    journalBytes: 0,
    journalMtimeMs: 0,
    unfinished: false,
    writerAlive: false,
    lockStaleMs: DEFAULT_STALE_MS,
    tornTail: null,
    refused: { line: 0, offset: 0, problem },
    empty: false,
    tableRows: {},
    tableBytes: {},
  };
}

/**
 * The folder the issue files go to must be a folder, never a link (docs/DESIGN.md §6.5): when it is
 * not, the run is refused and nothing is written or removed through it.
 */
function unsafeIssuesFolder(
  paths: ReplayPaths,
  runId: string,
  previous: RunIndexEntry | undefined,
  batch: DurableBatch,
): RunReplayOutcome | null {
  const { issuesDir } = runJsonFiles(paths.logsDir, runId);
  const issues = fs.lstatSync(issuesDir, { throwIfNoEntry: false });
  if (!issues || issues.isDirectory()) return null;
  const entry = unsafeRunEntry(runId, `${issuesDir} is ${describeFileKind(issues)}`, previous);
  if (entry === previous) return { kind: 'unchanged', entry };
  batch.remove(runRowsFile(paths, runId));
  batch.remove(runStateFile(paths, runId));
  return { kind: 'refused', entry };
}
