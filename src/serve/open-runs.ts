import fs from 'node:fs';
import type { RunStatusRecorded } from '../../events/run.js';
import {
  JournalFailedError,
  LockCompromisedError,
  RunExistsError,
  RunLockedError,
  RunNotOpenError,
  ServerStoppingError,
} from '../errors.js';
import type { FileOps } from '../durable/file-ops.js';
import { runPaths } from '../journal/paths.js';
import type { PriceBook } from '../prices/price-book.js';
import type { PlannedEvent } from '../collector/planner.js';
import { RunSession, type CollectorOptions } from '../collector/run-session.js';
import { replayLiveUpdate } from '../../replay/live-update.js';

export interface StartRunRequest {
  readonly projectId: unknown;
  readonly runId?: unknown;
  readonly config: unknown;
  readonly lockStaleMs?: unknown;
}

export interface ResumeRunRequest {
  readonly lockStaleMs?: unknown;
  readonly lockWaitMs?: unknown;
}

/** One run this server holds open: its session (lock and writer) and its last durable line. */
export interface OpenRun {
  readonly session: RunSession;
  lastSeq: number;
}

/**
 * The runs a server holds open: one RunSession each, so one writer per run as in the library.
 * Sessions are the library's own (validation in its EventPlanner, appends through its writer with
 * group commit); the library's signal handling is off for them, because the server ends them
 * itself on shutdown, after in-flight requests are done. A process that exits any other way
 * (a crash) still records RunFinished for every open run, synchronously, from the exit hook.
 */
export class OpenRuns {
  private readonly runs = new Map<string, OpenRun>();
  /** Run ids being started or resumed right now: a second request for one of them is refused at once. */
  private readonly opening = new Set<string>();
  private exitHookInstalled = false;
  /** Set by finalizeAll: a start or resume that completes after it is finalized at once. */
  private stopped: { status: 'interrupted' | 'crashed'; reason: string } | null = null;

  constructor(
    private readonly logsDir: string,
    private readonly priceBook: PriceBook,
    private readonly liveUpdates: boolean,
    /** For tests: the library's file-access seam. */
    private readonly fileOps?: FileOps,
  ) {}

  get ids(): string[] {
    return [...this.runs.keys()].sort();
  }

  get size(): number {
    return this.runs.size;
  }

  get(runId: string): OpenRun {
    const run = this.runs.get(runId);
    if (!run) throw new RunNotOpenError(runId);
    return run;
  }

  find(runId: string): OpenRun | undefined {
    return this.runs.get(runId);
  }

  async start(request: StartRunRequest): Promise<string> {
    const runId = request.runId;
    if (typeof runId === 'string' && (this.runs.has(runId) || this.opening.has(runId))) {
      throw new RunExistsError(runId, runPaths(this.logsDir, runId).journal);
    }
    return this.open(typeof runId === 'string' ? runId : null, () =>
      RunSession.start({
        ...this.sessionOptions(request.lockStaleMs),
        projectId: request.projectId as string,
        runId: runId as string | undefined,
        config: request.config,
      }),
    );
  }

  async resume(runId: string, request: ResumeRunRequest): Promise<string> {
    if (this.runs.has(runId) || this.opening.has(runId)) {
      throw new RunLockedError(runId, 'this server holds it open; send its calls to /runs/' + runId + '/calls');
    }
    return this.open(runId, () =>
      RunSession.resume({ ...this.sessionOptions(request.lockStaleMs), runId, lockWaitMs: request.lockWaitMs as number | undefined }),
    );
  }

  /**
   * Queues a planned event; resolves after the fdatasync that covers it. Finalizing twice waits for
   * the first. When the journal fails (disk) or the lock is lost, the run is closed here: its lock
   * is released so that it can be resumed once the cause is fixed, and later calls find it not open.
   */
  commit<R>(run: OpenRun, plan: PlannedEvent<R> | null): Promise<R | undefined> {
    if (!plan) return (run.session.runFinishedDurable ?? Promise.resolve()) as Promise<undefined>;
    const committed = run.session.commitAsync(plan);
    committed.catch((error: unknown) => {
      if (error instanceof JournalFailedError || error instanceof LockCompromisedError) run.session.close();
    });
    return committed;
  }

  /**
   * Records RunFinished for every open run and closes it, synchronously: queued appends are written
   * and fsync'd first (they come before RunFinished in the journal).
   */
  finalizeAll(status: Extract<RunStatusRecorded, 'interrupted' | 'crashed'>, reason: string): string[] {
    this.stopped = { status, reason };
    const ids = this.ids;
    for (const run of [...this.runs.values()]) run.session.emergencyFinalize(status, reason);
    this.uninstallExitHook();
    return ids;
  }

  private async open(runId: string | null, openSession: () => Promise<RunSession>): Promise<string> {
    if (runId !== null) this.opening.add(runId);
    try {
      const session = await openSession();
      if (this.stopped) {
        // The server stopped while this run was being opened (a resume waiting for a stale lock).
        session.emergencyFinalize(this.stopped.status, this.stopped.reason);
        throw new ServerStoppingError();
      }
      const run: OpenRun = { session, lastSeq: lastLineSeq(session.journalPath) };
      this.runs.set(session.runId, run);
      session.events$.subscribe({
        next: (entry) => {
          run.lastSeq = entry.seq;
        },
        // The session completes its stream when it closes: finalized, or closed on shutdown.
        complete: () => {
          if (this.runs.get(session.runId) === run) this.runs.delete(session.runId);
        },
      });
      this.installExitHook();
      return session.runId;
    } finally {
      if (runId !== null) this.opening.delete(runId);
    }
  }

  private sessionOptions(lockStaleMs: unknown): CollectorOptions {
    return {
      dir: this.logsDir,
      priceBook: this.priceBook,
      handleSignals: false,
      liveUpdates: this.liveUpdates,
      updateDerivedFiles: replayLiveUpdate,
      lockStaleMs: lockStaleMs as number | undefined,
      fileOps: this.fileOps,
    };
  }

  private readonly onExit = (code: number): void => {
    this.finalizeAll(code === 0 ? 'interrupted' : 'crashed', `the runledger serve process exited with code ${code} while the run was open`);
  };

  private installExitHook(): void {
    if (this.exitHookInstalled) return;
    this.exitHookInstalled = true;
    process.on('exit', this.onExit);
  }

  private uninstallExitHook(): void {
    if (!this.exitHookInstalled) return;
    this.exitHookInstalled = false;
    process.removeListener('exit', this.onExit);
  }
}

/**
 * The seq of a journal's last line, read from its end: right after a start or resume, which
 * append synchronously, it is the last durable line (the session's stream has already passed it).
 */
function lastLineSeq(journal: string): number {
  const fd = fs.openSync(journal, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    for (let window = 4096; ; window *= 4) {
      const start = Math.max(0, size - window);
      const bytes = Buffer.alloc(size - start);
      fs.readSync(fd, bytes, 0, bytes.length, start);
      // The journal ends with a newline; the line before it starts after the previous newline.
      const previous = bytes.lastIndexOf(0x0a, bytes.length - 2);
      if (previous >= 0 || start === 0)
        return (JSON.parse(bytes.subarray(previous + 1, bytes.length - 1).toString('utf8')) as { seq: number }).seq;
    }
  } finally {
    fs.closeSync(fd);
  }
}
