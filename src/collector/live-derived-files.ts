import { CollectorModeError } from '../errors.js';

/**
 * Brings a logs folder's derived files (read models, JSON reports, CSV tables) up to date with its
 * journals. Replay does it; the collector is given it and never imports replay, so that recording
 * never loads what replaying needs. The package entry (`runledger`) sets replay as the default,
 * loaded on the first update.
 */
export type DerivedFilesUpdater = (logsDir: string) => Promise<unknown>;

let defaultUpdater: DerivedFilesUpdater | null = null;

/** What collectors use for live updates when their options give no `updateDerivedFiles`. */
export function setDefaultDerivedFilesUpdater(updater: DerivedFilesUpdater | null): void {
  defaultUpdater = updater;
}

/**
 * The updater a collector with these options uses: null without live updates. Live updates with no
 * updater at all (the collector imported past the package entry, none given) is refused before
 * anything is written, rather than leaving the derived files silently stale.
 */
export function derivedFilesUpdaterFor(options: {
  readonly liveUpdates?: boolean;
  readonly updateDerivedFiles?: DerivedFilesUpdater;
}): DerivedFilesUpdater | null {
  if (options.liveUpdates === false) return null;
  const updater = options.updateDerivedFiles ?? defaultUpdater;
  if (updater === null) {
    throw new CollectorModeError(
      'Live updates of the derived files need an updater: import the collector from "runledger" (which uses replay), pass updateDerivedFiles, or set liveUpdates: false.',
    );
  }
  return updater;
}

/**
 * Keeps a logs folder's derived files current while runs are recorded: the v2 metrics system saved its reports "immediately" (docs/DESIGN.md §1, §7.4).
 * Requests made while an update runs are folded into one more update after it. Updates go
 * through replay (the only writer of derived files) under its cross-process lock, so several
 * supervisors finishing issues at once leave the same files a full replay would.
 */
export class LiveDerivedFiles {
  private running: Promise<void> | null = null;
  private again = false;
  /** Why the latest update failed; null once one succeeds. */
  private failure: Error | null = null;

  constructor(
    private readonly logsDir: string,
    private readonly update: DerivedFilesUpdater,
  ) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /**
   * Resolves when the updates asked for are done and the latest one succeeded; rejects with the
   * error of the latest one when it failed (ENOSPC, a lost lock, ...): the derived files lag behind.
   */
  async settled(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.update(this.logsDir);
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
    } while (this.again);
    this.running = null;
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
