import { replay } from '../../replay/replay.js';

/**
 * Keeps a logs folder's derived files current while runs are recorded: the v2 metrics system saved its reports "immediately" (docs/DESIGN.md §1, §7.4).
 * Requests made while an update runs are folded into one more update after it. Updates go
 * through replay (the only writer of derived files) under its cross-process lock, so several
 * supervisors finishing issues at once leave the same files a full replay would.
 */
class LiveDerivedFiles {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly logsDir: string) {}

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await replay({ dir: this.logsDir });
      } catch (error) {
        // The journal is the truth and is intact; only the derived copy lags behind.
        process.emitWarning(`runledger: could not update the derived files under ${this.logsDir}: ${(error as Error).message}. Run "runledger replay" to rebuild them.`, {
          code: 'RUNLEDGER_LIVE_REPLAY',
        });
      }
    } while (this.again);
    this.running = null;
  }
}

const byLogsDir = new Map<string, LiveDerivedFiles>();

export function liveDerivedFiles(logsDir: string): LiveDerivedFiles {
  let live = byLogsDir.get(logsDir);
  if (!live) {
    live = new LiveDerivedFiles(logsDir);
    byLogsDir.set(logsDir, live);
  }
  return live;
}
