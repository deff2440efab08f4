import { CollectorModeError, InvalidOptionError } from '../errors.js';
import { QuietMoment } from './quiet-moment.js';

/**
 * Brings a logs folder's derived files (read models, JSON reports, CSV tables) up to date with its
 * journals. Replay does it; the collector is given it and never imports replay, so that recording
 * never loads what replaying needs. The package entry (`runledger`) sets replay as the default,
 * loaded on the first update.
 *
 * Called with `{ runIds }`, an updater may bring only those runs' files up to date and leave the
 * tables for later, answering `{ tablesStaleSince }` (ms since the epoch); the collector then calls it
 * with `{ tablesLaggingMs }` once the tables may have lagged `liveTablesEveryMs` (assemble them if they
 * have been stale that long, and answer again since when they are stale), and without a request for
 * everything at once. An updater that answers anything else is taken to have brought everything up to date.
 */
export type DerivedFilesUpdater = (logsDir: string, request?: LiveUpdateRequest) => Promise<unknown>;

export type LiveUpdateRequest = { readonly runIds: readonly string[] } | { readonly tablesLaggingMs: number };

/** How long the tables may lag behind the runs' JSON files while supervisors run, by default. */
export const DEFAULT_LIVE_TABLES_EVERY_MS = 30_000;

let defaultUpdater: DerivedFilesUpdater | null = null;

/** What collectors use for live updates when their options give no `updateDerivedFiles`. */
export function setDefaultDerivedFilesUpdater(updater: DerivedFilesUpdater | null): void {
  defaultUpdater = updater;
}

/** A collector's live updates: what runs them, and how long the tables may lag behind. */
export interface LiveUpdates {
  readonly update: DerivedFilesUpdater;
  readonly tablesEveryMs: number;
}

/**
 * An update waits for this process to make no append for LIVE_QUIET_MS, LIVE_MAX_WAIT_MS at most
 * (quiet-moment.ts): a supervisor's appends right after a finished issue come first.
 */
export const LIVE_QUIET_MS = 20;
export const LIVE_MAX_WAIT_MS = 500;

/** An upper bound that still fits a timer (about 24 days); a larger lag is no live update. */
const MAX_TABLES_EVERY_MS = 2 ** 31 - 1;

/**
 * The live updates a collector with these options makes: null without. Live updates with no
 * updater at all (the collector imported past the package entry, none given) is refused before
 * anything is written, rather than leaving the derived files silently stale; so is a
 * `liveTablesEveryMs` that is not a whole number of milliseconds from 0 to 2^31 - 1.
 */
export function liveUpdatesFor(
  call: string,
  options: {
    readonly liveUpdates?: boolean;
    readonly updateDerivedFiles?: DerivedFilesUpdater;
    readonly liveTablesEveryMs?: number;
  },
): LiveUpdates | null {
  const every = options.liveTablesEveryMs ?? DEFAULT_LIVE_TABLES_EVERY_MS;
  if (!Number.isSafeInteger(every) || every < 0 || every > MAX_TABLES_EVERY_MS) {
    throw new InvalidOptionError(
      call,
      'liveTablesEveryMs',
      `${JSON.stringify(options.liveTablesEveryMs)}; give how long the tables may lag behind, in whole milliseconds from 0 (with every update) to ${MAX_TABLES_EVERY_MS} (default ${DEFAULT_LIVE_TABLES_EVERY_MS})`,
    );
  }
  if (options.liveUpdates === false) return null;
  const updater = options.updateDerivedFiles ?? defaultUpdater;
  if (updater === null) {
    throw new CollectorModeError(
      'Live updates of the derived files need an updater: import the collector from "runledger" (which uses replay), pass updateDerivedFiles, or set liveUpdates: false.',
    );
  }
  return { update: updater, tablesEveryMs: every };
}

/**
 * Keeps a logs folder's derived files current while runs are recorded (docs/DESIGN.md §1, §7.4): a
 * finished issue or run has its JSON files written at once; the seven tables follow at most
 * `liveTablesEveryMs` later, in one assembly for every change made meanwhile, by any process (the
 * marker's time is shared through the logs folder). An update starts once the process's appends
 * pause (QuietMoment); requests made while one waits or runs are folded into one more update after
 * it. Updates go through replay (the only writer of derived files) under its cross-process lock, so
 * several supervisors finishing issues at once leave the same files a full replay would.
 */
export class LiveDerivedFiles {
  private running: Promise<void> | null = null;
  /** Runs whose files must be brought up to date. */
  private readonly runs = new Set<string>();
  /** The tables: assembled now (whenDerivedFilesUpdated, or liveTablesEveryMs 0), if due (the timer), or not asked for. */
  private tables: 'now' | 'if-due' | null = null;
  private tablesTimer: NodeJS.Timeout | null = null;
  private tablesEveryMs = DEFAULT_LIVE_TABLES_EVERY_MS;
  /** Why the latest update failed; null once one succeeds. */
  private failure: Error | null = null;
  private readonly quiet = new QuietMoment(LIVE_QUIET_MS, LIVE_MAX_WAIT_MS);

  constructor(
    private readonly logsDir: string,
    private readonly update: DerivedFilesUpdater,
  ) {}

  /** A run finished an issue or itself: its files now, the tables within `tablesEveryMs` (0: with it). */
  request(runId: string, tablesEveryMs: number = DEFAULT_LIVE_TABLES_EVERY_MS): void {
    this.tablesEveryMs = Math.min(this.tablesEveryMs, tablesEveryMs);
    if (tablesEveryMs === 0) this.tables = 'now';
    else this.runs.add(runId);
    this.start();
  }

  /** One of this process's runs appended to its journal just now: updates wait for a pause. */
  appended(): void {
    this.quiet.activity();
  }

  /**
   * Resolves when the updates asked for are done, tables included (a pending table assembly runs now),
   * and the latest one succeeded; rejects with the error of the latest one when it failed (ENOSPC, a
   * lost lock, ...): the derived files lag behind.
   */
  async settled(): Promise<void> {
    if (this.tablesTimer || this.runs.size > 0 || this.tables === 'if-due') {
      this.clearTimer();
      this.tables = 'now';
      this.start();
    }
    this.quiet.now(); // asked for now: no waiting for a pause
    await this.running;
    if (this.failure) throw this.failure;
  }

  private start(): void {
    this.running ??= this.loop();
  }

  private clearTimer(): void {
    if (this.tablesTimer) clearTimeout(this.tablesTimer);
    this.tablesTimer = null;
  }

  private async loop(): Promise<void> {
    while (this.tables !== null || this.runs.size > 0) {
      if (this.tables !== 'now') await this.quiet.wait();
      const tables = this.tables;
      const runIds = [...this.runs];
      this.tables = null;
      // A whole update covers the runs too; a check of the tables leaves them for the next turn.
      if (tables !== 'if-due') this.runs.clear();
      try {
        if (tables === 'now') {
          this.clearTimer();
          await this.update(this.logsDir);
        } else if (tables === 'if-due') {
          this.scheduleTables(await this.update(this.logsDir, { tablesLaggingMs: this.tablesEveryMs }));
        } else {
          this.scheduleTables(await this.update(this.logsDir, { runIds }));
        }
        this.failure = null;
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
        // The journal is the truth and is intact; only the derived copy lags behind.
        process.emitWarning(
          `runledger: could not update the derived files under ${this.logsDir}: ${(error as Error).message}. Run "runledger replay" to rebuild them.`,
          {
            code: 'RUNLEDGER_LIVE_REPLAY',
          },
        );
      }
    }
    this.running = null;
  }

  /** The tables are assembled when they have lagged `tablesEveryMs` since the first change they miss, whoever made it. */
  private scheduleTables(answer: unknown): void {
    const since = (answer as { tablesStaleSince?: unknown } | null)?.tablesStaleSince;
    if (typeof since !== 'number' || this.tablesTimer) return;
    this.tablesTimer = setTimeout(
      () => {
        this.tablesTimer = null;
        this.tables ??= 'if-due';
        this.start();
      },
      Math.max(0, since + this.tablesEveryMs - Date.now()),
    );
    // A process that ends leaves the marker: the tables say they are stale, and the next replay catches up.
    this.tablesTimer.unref();
  }
}

/** One scheduler per updater and logs folder, shared by the collectors of this process. */
const schedulers = new Map<DerivedFilesUpdater, Map<string, LiveDerivedFiles>>();

export function liveDerivedFiles(logsDir: string, update: DerivedFilesUpdater): LiveDerivedFiles {
  let byLogsDir = schedulers.get(update);
  if (!byLogsDir) {
    byLogsDir = new Map();
    schedulers.set(update, byLogsDir);
  }
  let live = byLogsDir.get(logsDir);
  if (!live) {
    live = new LiveDerivedFiles(logsDir, update);
    byLogsDir.set(logsDir, live);
  }
  return live;
}
