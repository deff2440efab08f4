import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIVE_MAX_WAIT_MS, LIVE_QUIET_MS, LiveDerivedFiles, type LiveUpdateRequest } from '../src/collector/live-derived-files.js';
import { QuietMoment } from '../src/collector/quiet-moment.js';

// The clock is the test's: no assertion here depends on how busy the machine is.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The promise's state after the timers and microtasks due so far have run. */
function settledFlag(promise: Promise<unknown>): { done: boolean } {
  const flag = { done: false };
  void promise.then(() => (flag.done = true));
  return flag;
}

describe('QuietMoment: a wait that ends when the appends pause', () => {
  it('ends quietMs after the last activity, each activity pushing it back', async () => {
    const quiet = new QuietMoment(20, 500);
    quiet.activity();
    const waited = settledFlag(quiet.wait());
    await vi.advanceTimersByTimeAsync(15);
    expect(waited.done).toBe(false);
    quiet.activity(); // at 15: due at 35
    await vi.advanceTimersByTimeAsync(15);
    expect(waited.done).toBe(false);
    await vi.advanceTimersByTimeAsync(6);
    expect(waited.done).toBe(true);
  });

  it('ends after maxWaitMs however often the process appends', async () => {
    const quiet = new QuietMoment(20, 100);
    quiet.activity();
    const waited = settledFlag(quiet.wait());
    for (let t = 0; t < 95; t += 5) {
      quiet.activity();
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(waited.done).toBe(false);
    await vi.advanceTimersByTimeAsync(6);
    expect(waited.done).toBe(true);
  });

  it('ends at once without activity since quietMs, and at now()', async () => {
    const quiet = new QuietMoment(20, 500);
    const unwaited = settledFlag(quiet.wait()); // no append yet: quiet already
    await vi.advanceTimersByTimeAsync(0);
    expect(unwaited.done).toBe(true);
    quiet.activity();
    const cut = settledFlag(quiet.wait());
    quiet.now();
    await vi.advanceTimersByTimeAsync(0);
    expect(cut.done).toBe(true);
  });
});

describe("a collector's live updates wait for its appends to pause", () => {
  /** A scheduler whose updater records its requests, right after a run appended IssueFinished and asked for its update. */
  function afterAFinishedIssue(): { calls: Array<LiveUpdateRequest | undefined>; live: LiveDerivedFiles } {
    const calls: Array<LiveUpdateRequest | undefined> = [];
    const live = new LiveDerivedFiles('/logs', async (_dir, request) => {
      calls.push(request);
      return { tablesStaleSince: null };
    });
    live.appended();
    live.request('run-a');
    return { calls, live };
  }

  it('a finished issue is updated LIVE_QUIET_MS after the last append, not while the supervisor appends', async () => {
    const { calls, live } = afterAFinishedIssue();
    await vi.advanceTimersByTimeAsync(LIVE_QUIET_MS / 2);
    live.appended(); // the next IssueStarted
    await vi.advanceTimersByTimeAsync(LIVE_QUIET_MS - 1);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toEqual([{ runIds: ['run-a'] }]);
  });

  it('a supervisor that never pauses still gets its update after LIVE_MAX_WAIT_MS', async () => {
    const { calls, live } = afterAFinishedIssue();
    for (let t = 0; t < LIVE_MAX_WAIT_MS - 10; t += 5) {
      live.appended();
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(15);
    expect(calls).toEqual([{ runIds: ['run-a'] }]);
  });

  it('whenDerivedFilesUpdated (settled) does not wait for a pause: everything is updated now', async () => {
    const { calls, live } = afterAFinishedIssue();
    const settled = settledFlag(live.settled());
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([undefined]); // a whole update, tables included
    expect(settled.done).toBe(true);
  });
});
