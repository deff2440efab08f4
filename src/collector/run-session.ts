/* eslint-disable max-lines -- a run's whole life in one class: start, resume, sync and group commits,
   finalize, close and emergency finalize share its lock, writer and state. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Subject } from 'rxjs';
import { GENESIS_HASH, type JournalEntry } from '../journal/envelope.js';
import { Identifier, type HostInfo, type IssueId } from '../../events/fields.js';
import { checkJournalEvent, validateEventData, type RunEvent } from '../../events/registry.js';
import {
  CorruptJournalError,
  InvalidEventError,
  InvalidRunIdError,
  LockCompromisedError,
  ResumeFinishedRunError,
  RunExistsError,
  RunledgerError,
  RunLockedError,
  RunNotFoundError,
} from '../errors.js';
import { ensureDirectoryDurably, fsyncDirectory, nodeFileOps, type FileOps } from '../durable/file-ops.js';
import { sha256Hex } from '../journal/line.js';
import { assertRunId, resolveLogsDir, runPaths, type RunPaths } from '../journal/paths.js';
import { scanJournal, type ScanResult } from '../journal/reader.js';
import { DEFAULT_STALE_MS, describeLockAge, RunLock } from '../journal/run-lock.js';
import { copyJournalForTakeover, discardTakeoverCopy } from '../journal/takeover.js';
import { JournalWriter } from '../journal/writer.js';
import { PriceBook } from '../prices/price-book.js';
import { runledgerVersion } from '../version.js';
import { parseConfig } from './config.js';
import { redactSecrets } from './sanitize.js';
import { evolveContext, initialContext, type CollectorContext } from './context.js';
import { EventPlanner, optionsArgument, type PlannedEvent } from './planner.js';
import {
  liveDerivedFiles,
  liveUpdatesFor,
  type DerivedFilesUpdater,
  type LiveDerivedFiles,
  type LiveUpdates,
} from './live-derived-files.js';
import { guardRun, unguardRun, type GuardedRun } from './process-guard.js';
import { agentKey, StartReturns, toolCallKey } from './start-returns.js';

/** rxjs is loaded by the first who asks for the event stream, not with the collector (it costs more to load than the rest). */
const requireOnDemand = createRequire(import.meta.url);

export interface CollectorOptions {
  /** The logs folder; default RUNLEDGER_DIR, else ./logs. */
  readonly dir?: string;
  /** Price override file; default RUNLEDGER_PRICES; null for none. */
  readonly prices?: string | null;
  /** A ready price book (shared between collectors); wins over `prices`. */
  readonly priceBook?: PriceBook;
  /** Record RunFinished on signals, uncaught exceptions and early exit (default true). */
  readonly handleSignals?: boolean;
  /** Update logs/csv and the JSON reports in the background when an issue or the run is finalized (default true). */
  readonly liveUpdates?: boolean;
  /** What live updates run (default: replay, as the package entry sets it; loaded on the first update). */
  readonly updateDerivedFiles?: DerivedFilesUpdater;
  /**
   * How long the seven tables may lag behind the runs' JSON files while runs are recorded (default
   * 30 s; 0: rewritten with every update, as the JSON files are). Changes made meanwhile, by any
   * process, are assembled into the tables once.
   */
  readonly liveTablesEveryMs?: number;
  /** A writer's lock counts as stale (its writer dead) after this long without refresh; default 10 s. */
  readonly lockStaleMs?: number;
  /** How long to wait for another writer's lock; default 0 for start, stale time + 2 s for resume. */
  readonly lockWaitMs?: number;
  /** For tests: the clock and the file-access seam. */
  readonly clock?: () => Date;
  readonly fileOps?: FileOps;
}

export interface StartOptions extends CollectorOptions {
  readonly projectId: string;
  /** Generated when absent: run_<UTC date>_<time>_<project>_<random>. */
  readonly runId?: string;
  /** The run's configuration: { llm: { provider, model, temperature }, maxRetries, ... }. */
  readonly config: unknown;
}

export interface ResumeOptions extends CollectorOptions {
  readonly runId: string;
}

/**
 * What a resume found, as its RunResumed and TailQuarantined events record it: the caller learns
 * it here without reading the journal (`collector.resumed`; null for a run that was started).
 */
export interface ResumeSummary {
  /** The seq of the last verified event the previous writer left; RunResumed follows it. */
  readonly afterSeq: number;
  /** Agents that were open when the previous writer stopped: they ended without a result. */
  readonly abandonedAgents: ReadonlyArray<{ readonly agentId: string; readonly agentType: string; readonly issueId: IssueId | null }>;
  /** Tool calls that were open when the previous writer stopped: they ended without a result. */
  readonly abandonedToolCalls: ReadonlyArray<{ readonly callId: string; readonly tool: string }>;
  /** Issues started and not finalized, in the order they were started: they carry on. */
  readonly openIssues: readonly IssueId[];
  /** Quarantine files this resume recorded (a torn tail cut off now, or left by a resume that died midway). */
  readonly quarantined: ReadonlyArray<{ readonly file: string; readonly offset: number; readonly bytes: number }>;
  /** Their bytes in all. */
  readonly quarantinedBytes: number;
  /** From the previous writer's last verified event to RunResumed, by their timestamps (0 if the clock went back). */
  readonly downtimeMs: number;
}

const COLLECTOR_KEYS = [
  'dir',
  'prices',
  'priceBook',
  'handleSignals',
  'liveUpdates',
  'updateDerivedFiles',
  'liveTablesEveryMs',
  'lockStaleMs',
  'lockWaitMs',
  'clock',
  'fileOps',
] as const satisfies ReadonlyArray<keyof CollectorOptions>;
const START_KEYS = [...COLLECTOR_KEYS, 'projectId', 'runId', 'config'] as const satisfies ReadonlyArray<keyof StartOptions>;
const RESUME_KEYS = [...COLLECTOR_KEYS, 'runId'] as const satisfies ReadonlyArray<keyof ResumeOptions>;

function hostInfo(): HostInfo {
  return { hostname: os.hostname() || 'unknown-host', pid: process.pid, platform: process.platform, nodeVersion: process.version };
}

/** proper-lockfile's stale time: never below 2 s. */
const effectiveStaleMs = (staleMs: number | undefined): number => Math.max(staleMs ?? DEFAULT_STALE_MS, 2000);

/** Ids name folders and appear in every line and table: one that looks like a credential is refused, shown redacted. */
function refuseCredentialIds(projectId: string, runId: string): void {
  if (redactSecrets(projectId) !== projectId)
    throw new InvalidEventError('RunStarted', 'projectId', redactSecrets(projectId), 'an id, not something that looks like a credential');
  if (redactSecrets(runId) !== runId) throw new InvalidRunIdError(redactSecrets(runId), 'it looks like a credential');
}

export function generateRunId(projectId: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  const project = projectId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return `run_${stamp}_${project}_${randomBytes(3).toString('hex')}`;
}

/**
 * One open run: its lock, its writer, the context the planner reads, and the live event stream.
 * The sync and async collectors are thin faces over it; it holds the one copy of the commit logic.
 */
export class RunSession implements GuardedRun {
  private subject: Subject<JournalEntry> | null = null;
  readonly planner: EventPlanner;
  private closed = false;
  private readonly live: LiveDerivedFiles | null;
  private finalizingInEmergency = false;
  /** What the resume that opened this session found; null for a session that started its run. */
  resumed: ResumeSummary | null = null;
  private readonly startReturns: StartReturns;
  private readonly guarded: boolean;

  private constructor(
    readonly runId: string,
    readonly paths: RunPaths,
    private readonly lock: RunLock,
    private readonly writer: JournalWriter,
    private readonly context: CollectorContext,
    prices: PriceBook,
    options: CollectorOptions,
    private readonly liveUpdates: LiveUpdates | null,
  ) {
    const clock = options.clock ?? (() => new Date());
    this.guarded = options.handleSignals ?? true;
    this.startReturns = StartReturns.for(options.clock);
    this.planner = new EventPlanner(runId, context, prices, clock, this.startReturns, () => writer.failureError);
    this.live = liveUpdates ? liveDerivedFiles(paths.logsDir, liveUpdates.update) : null;
    if (this.guarded) guardRun(this);
  }

  static async start(options: StartOptions): Promise<RunSession> {
    optionsArgument('RunStarted', 'options', options, true, START_KEYS);
    const clock = options.clock ?? (() => new Date());
    const ops = options.fileOps ?? nodeFileOps;
    // Everything is checked before the first folder is made.
    const projectId = Identifier.safeParse(options.projectId);
    if (!projectId.success) throw new InvalidEventError('RunStarted', 'projectId', options.projectId, '1-256 characters');
    const runId = options.runId ?? generateRunId(projectId.data, clock());
    assertRunId(runId);
    refuseCredentialIds(projectId.data, runId);
    const config = parseConfig(options.config);
    const liveUpdates = liveUpdatesFor('MetricsCollector.start', options);
    const prices = options.priceBook ?? new PriceBook({ overrideFile: options.prices });
    const lockStaleMs = effectiveStaleMs(options.lockStaleMs);
    const runStarted = validateEventData('RunStarted', {
      projectId: projectId.data,
      runId,
      config,
      runledgerVersion: runledgerVersion(),
      priceTable: prices.tableInfo,
      host: hostInfo(),
      lockStaleMs,
    });
    const paths = runPaths(resolveLogsDir(options.dir), runId);
    if (hasVerifiedEvents(paths, runId)) throw new RunExistsError(runId, paths.journal);

    ensureDirectoryDurably(ops, paths.runDir);
    const lock = await RunLock.acquire(runId, paths, { staleMs: lockStaleMs, waitMs: options.lockWaitMs ?? 0 });
    let copy: string | null = null;
    try {
      // Checked again under the lock. A journal without one verified line is a start that died before
      // its first line was durable (nothing was acknowledged): its bytes are quarantined, then it starts over.
      if (hasVerifiedEvents(paths, runId)) throw new RunExistsError(runId, paths.journal);
      let writer: JournalWriter;
      if (fs.existsSync(paths.journal)) {
        // Taken over like a resume (journal/takeover.ts): a racer that still believes it holds the
        // lock keeps its descriptor on a file no name leads to.
        copy = copyJournalForTakeover(paths, ops);
        const scan = scanJournal(copy, { runId, checkEvent: checkJournalEvent, ops });
        if (scan.entries > 0) throw new RunExistsError(runId, paths.journal);
        if (scan.size > 0) quarantineTail(paths, copy, scan, ops);
        writer = JournalWriter.takeOver(runId, paths, lock, copy, { offset: 0, lastSeq: 0, lastHash: GENESIS_HASH }, { ops, clock });
        copy = null;
      } else {
        writer = JournalWriter.create(runId, paths, lock, { ops, clock });
      }
      const context = initialContext();
      const session = new RunSession(runId, paths, lock, writer, context, prices, options, liveUpdates);
      return session.opening(() => {
        session.commitSync({ type: 'RunStarted', data: runStarted, result: undefined });
        // Bytes of a start that died before its first line, kept aside above: named in the journal.
        for (const quarantined of unrecordedQuarantineFiles(paths, context)) {
          session.commitSync({ type: 'TailQuarantined', data: validateEventData('TailQuarantined', quarantined), result: undefined });
        }
      });
    } catch (error) {
      if (copy !== null) discardTakeoverCopy(copy);
      const takenOver = lock.wasTakenOver();
      lock.releaseSync();
      throw asTakenOver(error, takenOver, runId, 'starting');
    }
  }

  /**
   * Continues a run whose writer died (or was interrupted): takes its lock over once stale, rebuilds
   * the context from the journal, quarantines a torn tail, and appends RunResumed.
   */
  static async resume(options: ResumeOptions): Promise<RunSession> {
    optionsArgument('RunResumed', 'options', options, true, RESUME_KEYS);
    const clock = options.clock ?? (() => new Date());
    const ops = options.fileOps ?? nodeFileOps;
    assertRunId(options.runId);
    const liveUpdates = liveUpdatesFor('MetricsCollector.resume', options);
    const runId = options.runId;
    const paths = runPaths(resolveLogsDir(options.dir), runId);
    if (!fs.existsSync(paths.journal)) throw new RunNotFoundError(runId, paths.journal);
    const prices = options.priceBook ?? new PriceBook({ overrideFile: options.prices });
    const staleMs = effectiveStaleMs(options.lockStaleMs);
    const lock = await acquireForResume(runId, paths, staleMs, options.lockWaitMs ?? staleMs + 2000);
    let copy: string | null = null;
    try {
      // Everything below reads the private copy that replaces the journal (see journal/takeover.ts).
      copy = copyJournalForTakeover(paths, ops);
      const context = initialContext();
      let lastTs = '';
      const scan = scanJournal(copy, { runId, checkEvent: checkJournalEvent, ops }, (entry) => {
        lastTs = entry.ts;
        evolveContext(context, entry);
      });
      if (scan.tail.kind === 'corrupt')
        throw new CorruptJournalError(runId, scan.tail.damage.line, scan.tail.damage.offset, scan.tail.damage.problem);
      if (scan.entries === 0)
        throw new RunNotFoundError(runId, `${paths.journal} (it holds no complete RunStarted line: start the run again)`);
      if (context.finished === 'completed' || context.finished === 'failed') throw new ResumeFinishedRunError(runId, context.finished);

      if (scan.tail.kind === 'torn') quarantineTail(paths, copy, scan, ops);
      const writer = JournalWriter.takeOver(
        runId,
        paths,
        lock,
        copy,
        { offset: scan.goodEnd, lastSeq: scan.lastSeq, lastHash: scan.lastHash },
        { ops, clock },
      );
      copy = null;
      const session = new RunSession(runId, paths, lock, writer, context, prices, options, liveUpdates);
      return session.opening(() => {
        const abandonedAgents = [...context.openAgents.values()].map((a) => ({
          agentId: a.agentId,
          agentType: a.agentType,
          issueId: a.issueId,
        }));
        const abandonedToolCalls = [...context.openToolCalls.values()].map((c) => ({ callId: c.callId, tool: c.tool }));
        const openIssues = [...context.openIssues.values()].map((i) => i.issueId);
        const resumedEntry = session.commitEntry({
          type: 'RunResumed',
          data: validateEventData('RunResumed', {
            host: hostInfo(),
            lockStaleMs: staleMs,
            afterSeq: scan.lastSeq,
            abandonedAgents: abandonedAgents.map((a) => a.agentId),
            abandonedToolCalls: abandonedToolCalls.map((c) => c.callId),
          }),
          result: undefined,
        });
        const quarantined: Array<{ file: string; offset: number; bytes: number }> = [];
        for (const file of unrecordedQuarantineFiles(paths, context)) {
          session.commitSync({ type: 'TailQuarantined', data: validateEventData('TailQuarantined', file), result: undefined });
          quarantined.push({ file: file.file, offset: file.offset, bytes: file.bytes });
        }
        session.resumed = {
          afterSeq: scan.lastSeq,
          abandonedAgents,
          abandonedToolCalls,
          openIssues,
          quarantined,
          quarantinedBytes: quarantined.reduce((sum, q) => sum + q.bytes, 0),
          downtimeMs: Math.max(0, Date.parse(resumedEntry.ts) - Date.parse(lastTs)),
        };
      });
    } catch (error) {
      if (copy !== null) discardTakeoverCopy(copy);
      const takenOver = lock.wasTakenOver();
      lock.releaseSync();
      throw asTakenOver(error, takenOver, runId, 'resuming');
    }
  }

  /** Records a new session's first events; if that fails, the session is closed before the error goes on. */
  private opening(record: () => void): RunSession {
    try {
      record();
    } catch (error) {
      this.close();
      throw error;
    }
    return this;
  }

  /** The stream of durable entries; it completes when the session closes. */
  get events$(): Subject<JournalEntry> {
    if (this.subject === null) {
      const rxjs = requireOnDemand('rxjs') as { Subject: typeof Subject };
      this.subject = new rxjs.Subject<JournalEntry>();
      if (this.closed) this.subject.complete();
    }
    return this.subject;
  }

  get journalPath(): string {
    return this.paths.journal;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  commitSync<R>(plan: PlannedEvent<R>): R {
    this.commitEntry(plan);
    return plan.result;
  }

  /** Commits synchronously and returns the durable entry. */
  private commitEntry(plan: PlannedEvent<unknown>): JournalEntry {
    const entry = this.writer.appendSync(plan.type, plan.data);
    this.applied(entry);
    return entry;
  }

  /** Resolves when the RunFinished already queued is durable: an idempotent finalizeRun waits for it too. */
  runFinishedDurable: Promise<void> | null = null;

  commitAsync<R>(plan: PlannedEvent<R>): Promise<R> {
    const committed = new Promise<R>((resolve, reject) => {
      const entry = this.writer.append(plan.type, plan.data, (error) => {
        if (error) return reject(error);
        this.durable(entry);
        resolve(plan.result);
      });
      // The context moves on now, so calls made before this one is durable already see it.
      evolveContext(this.context, entry);
    });
    if (plan.type === 'RunFinished') {
      this.runFinishedDurable = committed.then(() => undefined);
      // Handled here so that an unawaited failure cannot end the process; awaiting callers still get it.
      this.runFinishedDurable.catch(() => {});
    }
    return committed;
  }

  emergencyFinalize(status: 'interrupted' | 'crashed', reason: string): void {
    if (this.closed) return;
    this.finalizingInEmergency = true;
    try {
      const plan = this.planner.finalizeRun(status, reason);
      if (plan && !this.writer.isFailed) this.commitSync(plan);
    } catch (error) {
      process.stderr.write(`runledger: could not record RunFinished (${status}) for run ${this.runId}: ${(error as Error).message}\n`);
    } finally {
      this.close();
    }
  }

  /** Writes anything queued, closes the journal and releases the run's lock. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.guarded) unguardRun(this);
    try {
      this.writer.closeSync();
    } finally {
      this.lock.releaseSync();
      this.subject?.complete();
    }
  }

  /** Resolves when the background update of derived files that finalizing asked for is done. */
  whenDerivedFilesUpdated(): Promise<void> {
    return this.live?.settled() ?? Promise.resolve();
  }

  private applied(entry: JournalEntry): void {
    evolveContext(this.context, entry);
    this.durable(entry);
  }

  /** A start call returns right after this (its event is durable): durations run from here. */
  private timeStarts(entry: JournalEntry): void {
    const event = entry as unknown as RunEvent;
    if (event.type === 'AgentStarted') this.startReturns.returned(agentKey(event.data.agentId));
    else if (event.type === 'ToolCallStarted') this.startReturns.returned(toolCallKey(event.data.callId));
    else if (event.type === 'AgentFinished') this.startReturns.ended(agentKey(event.data.agentId));
    else if (event.type === 'ToolCallEnded') this.startReturns.ended(toolCallKey(event.data.callId));
  }

  private durable(entry: JournalEntry): void {
    this.timeStarts(entry);
    // Subject.next with no subscriber still costs a closure and its checks, on every call.
    if (this.subject?.observed) this.subject.next(entry);
    if (entry.type === 'RunFinished') this.close();
    this.live?.appended();
    // Not while the process is going down (signal, crash): replay rebuilds them later.
    if ((entry.type === 'IssueFinished' || entry.type === 'RunFinished') && !this.finalizingInEmergency)
      this.live?.request(this.runId, this.liveUpdates!.tablesEveryMs);
  }
}

/**
 * Takes the run's lock for a resume. A lock still held is most often a dead writer's that has not
 * gone stale yet; waiting for it is right, but not in silence: one line on stderr says which run,
 * why, and for how long at most. With waitMs 0 a held lock is refused at once (RUN_LOCKED).
 */
async function acquireForResume(runId: string, paths: RunPaths, staleMs: number, waitMs: number): Promise<RunLock> {
  try {
    return await RunLock.acquire(runId, paths, { staleMs, waitMs: 0 });
  } catch (error) {
    if (!(error instanceof RunLockedError) || waitMs <= 0) throw error;
  }
  process.stderr.write(
    `runledger: resuming run ${runId}: another writer holds its lock (${describeLockAge(paths.lock, staleMs)}); ` +
      `waiting up to ${(waitMs / 1000).toFixed(1)} s for it to go stale, as a dead writer's lock does (lockWaitMs: 0 refuses at once)\n`,
  );
  return RunLock.acquire(runId, paths, { staleMs, waitMs });
}

/**
 * A file-system error met while starting or resuming under a lock that another process has taken
 * meanwhile (two racers over one stale lock: proper-lockfile lets both remove it) is that takeover,
 * seen from the loser: reported as LOCK_COMPROMISED, not as a bare ENOENT.
 */
function asTakenOver(error: unknown, takenOver: boolean, runId: string, doing: string): unknown {
  if (error instanceof RunledgerError || !takenOver) return error;
  return new LockCompromisedError(
    runId,
    `another process took the run's lock while this one was ${doing} it (${(error as Error).message})`,
    { cause: error },
  );
}

/** Whether the run's journal holds at least one verified line: a run that exists. */
function hasVerifiedEvents(paths: RunPaths, runId: string): boolean {
  if (!fs.existsSync(paths.journal)) return false;
  return scanJournal(paths.journal, { runId, checkEvent: checkJournalEvent, maxEntries: 1 }).entries > 0;
}

/**
 * Copies a torn tail into quarantine/ (durably) before the writer cuts it off, so no byte is ever
 * silently dropped. The file name holds the offset and a hash prefix; a copy already there is reused.
 */
function quarantineTail(paths: RunPaths, journal: string, scan: ScanResult, ops: FileOps): void {
  const tail = readRange(journal, scan.goodEnd, scan.size);
  const sha = sha256Hex(tail);
  ensureDirectoryDurably(ops, paths.quarantineDir);
  const file = path.join(paths.quarantineDir, `tail-${scan.goodEnd}-${sha.slice(0, 16)}.bin`);
  if (fs.existsSync(file) && fs.statSync(file).size === tail.length) return;
  const fd = ops.openSync(file, 'w', 0o600);
  try {
    ops.writeSync(fd, tail, 0, tail.length, 0);
    ops.fsyncSync(fd);
  } finally {
    ops.closeSync(fd);
  }
  fsyncDirectory(ops, paths.quarantineDir);
}

function readRange(file: string, start: number, end: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    let read = 0;
    while (read < buffer.length) {
      const n = fs.readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/** Quarantine files that no TailQuarantined event names yet (also those of a resume that died midway). */
interface QuarantineFile {
  readonly offset: number;
  readonly bytes: number;
  readonly file: string;
  readonly sha256: string;
  readonly reason: string;
}

function unrecordedQuarantineFiles(paths: RunPaths, context: CollectorContext): QuarantineFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(paths.quarantineDir).sort();
  } catch {
    return [];
  }
  const found: QuarantineFile[] = [];
  for (const name of names) {
    const match = /^tail-(\d+)-[0-9a-f]{16}\.bin$/.exec(name);
    const file = `quarantine/${name}`;
    if (!match || context.quarantinedFiles.has(file)) continue;
    const bytes = fs.readFileSync(path.join(paths.quarantineDir, name));
    found.push({
      offset: Number(match[1]),
      bytes: bytes.length,
      file,
      sha256: sha256Hex(bytes),
      reason: 'torn tail cut off when the run was resumed',
    });
  }
  return found;
}
