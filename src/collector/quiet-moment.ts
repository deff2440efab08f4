/**
 * When a process's journals go quiet (docs/DESIGN.md §7.4): a live update waits for a moment in which
 * the process has made no append for `quietMs`, so that its work (CPU on the supervisor's own thread,
 * files in the page cache that a journal's next fdatasync would have to write out with it) does not
 * land on the appends that follow a finished issue, which a supervisor makes at once (the next issue,
 * its first agent). It waits `maxWaitMs` at most: a process that never stops appending still gets
 * its update.
 */
export class QuietMoment {
  private lastActivity = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private resolveWait: (() => void) | null = null;

  constructor(
    readonly quietMs: number,
    readonly maxWaitMs: number,
  ) {}

  /** The process appended to a journal just now. */
  activity(): void {
    this.lastActivity = performance.now();
  }

  /** Resolves once nothing was appended for `quietMs`, or `maxWaitMs` after the call, or at `now()`. */
  wait(): Promise<void> {
    this.now(); // one wait at a time: a wait left over ends at once
    const deadline = performance.now() + this.maxWaitMs;
    return new Promise((resolve) => {
      this.resolveWait = resolve;
      const check = (): void => {
        this.timer = null;
        const due = Math.min(this.lastActivity + this.quietMs, deadline);
        const left = due - performance.now();
        if (left <= 0) this.now();
        else this.timer = setTimeout(check, left);
      };
      check();
    });
  }

  /** Ends the wait now (a caller that asked for the files at once). */
  now(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const resolve = this.resolveWait;
    this.resolveWait = null;
    resolve?.();
  }
}
