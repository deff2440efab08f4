import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AsyncMetricsCollector,
  LockCompromisedError,
  MetricsCollector,
  RunExistsError,
  RunLockedError,
  runPaths,
  verifyRun,
} from '../src/index.js';
import { ChildPool, journalEntries, type Child, type Message } from './helpers/child.js';
import { startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * docs/DESIGN.md rule 1: one journal per run, one writer per journal. A second writer is refused with a
 * message naming the run; a killed writer's lock is taken over once stale; a compromised lock
 * stops appends with an error the caller sees and never becomes an uncaught exception.
 * Writers run in separate processes (test/fixtures/scripted-writer.mjs, on the built package).
 */

const children = new ChildPool();
afterEach(() => children.destroyAll());

/** lockStaleMs 2000 (the minimum): the writer refreshes its lock every second. */
const STALE = 2000;

async function writer(): Promise<Child> {
  const child = children.fixture('scripted-writer.mjs');
  await child.waitFor((m) => m.event === 'hello', 'hello');
  return child;
}

function expectOk(reply: Message): Message {
  expect(reply.error, `command failed: ${JSON.stringify(reply.error)}`).toBeUndefined();
  expect(reply.ok).toBe(true);
  return reply;
}

function errorOf(reply: Message): { name: string; code: string; message: string } {
  expect(reply.ok, `expected the command to fail: ${JSON.stringify(reply)}`).toBe(false);
  return reply.error as { name: string; code: string; message: string };
}

/** Ends a writer's command loop and returns how the process ended. */
async function endWriter(child: Child): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  child.send({ id: 0, op: 'end' });
  const exit = await child.exited;
  return { ...exit, stderr: child.stderr };
}

/** What stderr shows when a process dies of (or reports) an uncaught exception. */
const UNCAUGHT = /Uncaught|ECOMPROMISED|triggerUncaughtException|node:internal/;

describe('rule 1: a second writer on a live run is refused with RUN_LOCKED naming the run', () => {
  it('a writer in another process is refused (at once and after waiting past the stale time) while the live writer keeps appending', async () => {
    const dir = tempDir();
    const runId = 'live-run';
    const live = await writer();
    expectOk(await live.call('start', { dir, runId, lockStaleMs: STALE }));
    expect(expectOk(await live.call('append', { prefix: 'before', count: 2 })).seqs).toEqual([2, 3]);

    const second = await writer();
    const atOnce = errorOf(await second.call('resume', { dir, runId, lockStaleMs: STALE, lockWaitMs: 0 }));
    expect(atOnce).toMatchObject({ name: 'RunLockedError', code: 'RUN_LOCKED' });
    expect(atOnce.message).toContain(`Run ${runId} is being written by another live writer`);
    // The live writer refreshes its lock, so waiting longer than the stale time does not let a second writer in.
    const afterWaiting = errorOf(await second.call('resume', { dir, runId, lockStaleMs: STALE, lockWaitMs: STALE + 1500 }));
    expect(afterWaiting).toMatchObject({ code: 'RUN_LOCKED' });
    expect(afterWaiting.message).toContain(runId);
    // Starting it anew is refused too: the run already has a journal.
    const restart = errorOf(await second.call('start', { dir, runId, lockStaleMs: STALE }));
    expect(restart).toMatchObject({ name: 'RunExistsError', code: 'RUN_EXISTS' });
    expect(restart.message).toContain(runId);

    expect(expectOk(await live.call('append', { prefix: 'after', count: 2 })).seqs).toEqual([4, 5]);
    expectOk(await live.call('finalize'));
    const lines = journalEntries(runPaths(dir, runId).journal);
    expect(lines.map((l) => l.type)).toEqual([
      'RunStarted',
      'ErrorRecorded',
      'ErrorRecorded',
      'ErrorRecorded',
      'ErrorRecorded',
      'RunFinished',
    ]);
    expect(lines[0]!.data.host).toMatchObject({ pid: live.pid });
    expect(verifyRun(dir, runId).verdict).toBe('intact');
    expect(await endWriter(second)).toMatchObject({ code: 0, signal: null });
    expect(await endWriter(live)).toMatchObject({ code: 0, signal: null });
  });

  it('a second writer in the same process is refused with RunLockedError naming the run', async () => {
    const dir = tempDir();
    const runId = 'same-process-run';
    const first = await startRun(dir, { runId, lockStaleMs: STALE });
    first.recordError({ kind: 'k', message: 'one', recoverable: true });
    const options = { dir, runId, lockStaleMs: STALE, lockWaitMs: 0, handleSignals: false, prices: null, liveUpdates: false };

    const sync = await MetricsCollector.resume(options).then(
      () => null,
      (error: unknown) => error,
    );
    expect(sync).toBeInstanceOf(RunLockedError);
    expect(sync).toMatchObject({ code: 'RUN_LOCKED', runId });
    expect((sync as Error).message).toContain(`Run ${runId} is being written by another live writer`);
    await expect(AsyncMetricsCollector.resume(options)).rejects.toSatisfy(
      (e) => e instanceof RunLockedError && (e as Error).message.includes(runId),
    );
    await expect(startRun(dir, { runId })).rejects.toBeInstanceOf(RunExistsError);

    // The refused attempts left the live writer's lock and journal alone.
    first.recordError({ kind: 'k', message: 'two', recoverable: true });
    first.finalizeRun('completed');
    expect(journalEntries(first.journalPath).map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded', 'ErrorRecorded', 'RunFinished']);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
    expect(fs.existsSync(runPaths(dir, runId).lock)).toBe(false);
  });

  it("RUN_LOCKED's message gives the lock's age as a non-negative number of seconds, also for a lock taken a moment ago", async () => {
    const dir = tempDir();
    const runId = 'fresh-lock-age';
    const first = await startRun(dir, { runId, lockStaleMs: STALE });
    const refused = await MetricsCollector.resume({
      dir,
      runId,
      lockStaleMs: STALE,
      lockWaitMs: 0,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    first.close();
    expect(refused).toBeInstanceOf(RunLockedError);
    // proper-lockfile stamps a new lock with an mtime up to ~1 s in the future (its precision probe);
    // "refreshed -0.4 s ago" would be nonsense to the reader.
    expect(refused!.message).toMatch(/was refreshed \d+\.\d s ago/);
  });

  it('a resume that waits for a held lock says so on stderr once (which run, why, how long at most); lockWaitMs 0 refuses at once, silently', async () => {
    const dir = tempDir();
    const runId = 'waited-for';
    const first = await startRun(dir, { runId, lockStaleMs: STALE });
    first.startIssue(1);
    const notes: string[] = [];
    let noted = (): void => {};
    const note = new Promise<void>((resolve) => (noted = resolve));
    const write = process.stderr.write.bind(process.stderr);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (String(chunk).startsWith('runledger:')) {
        notes.push(String(chunk));
        noted();
        return true;
      }
      return write(chunk, ...(rest as []));
    });
    const options = { dir, runId, lockStaleMs: STALE, handleSignals: false, prices: null, liveUpdates: false };
    try {
      await expect(MetricsCollector.resume({ ...options, lockWaitMs: 0 })).rejects.toBeInstanceOf(RunLockedError);
      expect(notes).toEqual([]);
      const resuming = MetricsCollector.resume({ ...options, lockWaitMs: 60_000 });
      await note;
      first.close(); // the writer goes away: the waiting resume takes its lock
      const resumed = await resuming;
      expect(resumed.resumed).toMatchObject({ openIssues: [1] });
      resumed.finalizeRun('completed');
    } finally {
      spy.mockRestore();
    }
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^runledger: resuming run waited-for: another writer holds its lock \(its lock \S+ was refreshed \d+\.\d s ago; it counts as stale after 2\.0 s without refresh\); waiting up to 60\.0 s for it to go stale, as a dead writer's lock does \(lockWaitMs: 0 refuses at once\)\n$/,
    );
  });

  it('two processes racing to start the same run id: exactly one wins, the other gets RUN_LOCKED or RUN_EXISTS (5 rounds)', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([writer(), writer()]);
    const losingCodes: string[] = [];
    for (let round = 1; round <= 5; round++) {
      const runId = `race-${round}`;
      // Both commands leave back to back; each child starts the run as soon as it reads its line.
      const [ra, rb] = await Promise.all([
        a.call('start', { dir, runId, lockStaleMs: STALE }),
        b.call('start', { dir, runId, lockStaleMs: STALE }),
      ]);
      const winners = [ra, rb].filter((r) => r.ok === true);
      expect(winners, `round ${round}: ${JSON.stringify([ra, rb])}`).toHaveLength(1);
      const [winner, loserReply] = ra.ok === true ? [a, rb] : [b, ra];
      const loser = errorOf(loserReply);
      expect(['RUN_LOCKED', 'RUN_EXISTS']).toContain(loser.code);
      expect(loser.message).toContain(runId);
      losingCodes.push(loser.code);

      expectOk(await winner.call('finalize', { runId }));
      const lines = journalEntries(runPaths(dir, runId).journal);
      expect(lines.map((l) => l.type)).toEqual(['RunStarted', 'RunFinished']);
      expect(lines[0]!.data.host).toMatchObject({ pid: winner.pid });
      expect(verifyRun(dir, runId).verdict).toBe('intact');
    }
    expect(losingCodes).toHaveLength(5);
    expect(await endWriter(a)).toMatchObject({ code: 0, signal: null });
    expect(await endWriter(b)).toMatchObject({ code: 0, signal: null });
  });
});

describe("rule 1: a killed writer's lock is taken over once stale", () => {
  it('after SIGKILL the lock is still refused while fresh, then resume takes it over once 2 s stale and continues the chain', async () => {
    const dir = tempDir();
    const runId = 'killed-writer';
    const paths = runPaths(dir, runId);
    const dead = await writer();
    expectOk(await dead.call('start', { dir, runId, lockStaleMs: STALE }));
    expect(expectOk(await dead.call('append', { prefix: 'e', count: 3 })).seqs).toEqual([2, 3, 4]);
    dead.kill('SIGKILL');
    expect(await dead.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // A killed process cannot clean up: its lock is left behind.
    expect(fs.existsSync(paths.lock)).toBe(true);

    // By a 10 s threshold the dead writer's lock (refreshed within the last second) is not stale yet.
    const early = await MetricsCollector.resume({
      dir,
      runId,
      lockStaleMs: 10_000,
      lockWaitMs: 0,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(early).toBeInstanceOf(RunLockedError);
    expect((early as Error).message).toMatch(new RegExp(`Run ${runId} .*was refreshed .* s ago`));

    const resumed = await MetricsCollector.resume({
      dir,
      runId,
      lockStaleMs: STALE,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    resumed.recordError({ kind: 'k', message: 'after takeover', recoverable: true });
    resumed.finalizeRun('completed');
    const lines = journalEntries(paths.journal);
    expect(lines.map((l) => [l.seq, l.type])).toEqual([
      [1, 'RunStarted'],
      [2, 'ErrorRecorded'],
      [3, 'ErrorRecorded'],
      [4, 'ErrorRecorded'],
      [5, 'RunResumed'],
      [6, 'ErrorRecorded'],
      [7, 'RunFinished'],
    ]);
    expect(lines[4]!.data).toMatchObject({ afterSeq: 4, host: { pid: process.pid } });
    expect(verifyRun(dir, runId).verdict).toBe('intact');
    expect(fs.existsSync(paths.lock)).toBe(false);
  });
});

describe('rule 1: a lock removed or stolen under a live writer stops appends with LOCK_COMPROMISED, never an uncaught exception', () => {
  it('lock folder deleted: the next sync append fails with LOCK_COMPROMISED, nothing more is written, the process exits 0', async () => {
    const dir = tempDir();
    const runId = 'lock-deleted';
    const paths = runPaths(dir, runId);
    const child = await writer();
    expectOk(await child.call('start', { dir, runId, lockStaleMs: STALE }));
    expectOk(await child.call('append', { prefix: 'ok', count: 2 }));
    fs.rmSync(paths.lock, { recursive: true });

    const refused = errorOf(await child.call('append', { prefix: 'refused' }));
    expect(refused).toMatchObject({ name: 'LockCompromisedError', code: 'LOCK_COMPROMISED' });
    expect(refused.message).toContain(`The lock on run ${runId} was lost`);
    // Appends stay stopped.
    expect(errorOf(await child.call('append', { prefix: 'refused-again' }))).toMatchObject({ code: 'LOCK_COMPROMISED' });
    expectOk(await child.call('close'));

    const exit = await endWriter(child);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(UNCAUGHT);
    expect(journalEntries(paths.journal).map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded', 'ErrorRecorded']);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
  });

  it("lock folder deleted and proper-lockfile's refresh timer fires (onCompromised): the process stays alive and the next append fails with its report", async () => {
    const dir = tempDir();
    const runId = 'lock-deleted-timer';
    const paths = runPaths(dir, runId);
    const child = await writer();
    expectOk(await child.call('start', { dir, runId, lockStaleMs: STALE }));
    expectOk(await child.call('append', { prefix: 'ok' }));
    fs.rmSync(paths.lock, { recursive: true });
    // The refresh timer runs every second (stale / 2); 3.5 s lets it find the lock gone. The child
    // answering after the wait proves the timer's report did not kill it.
    expectOk(await child.call('sleep', { ms: 3500 }));

    const refused = errorOf(await child.call('append', { prefix: 'refused' }));
    expect(refused).toMatchObject({ name: 'LockCompromisedError', code: 'LOCK_COMPROMISED' });
    // The timer's own report (its failed stat), not the append's check ("... is gone"): onCompromised ran.
    expect(refused.message).toMatch(/ENOENT/);
    expect(refused.message).not.toMatch(/is gone/);

    // No finalizeRun and no close: the exit hook tries RunFinished, cannot (lock lost), and says so.
    const exit = await endWriter(child);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(UNCAUGHT);
    expect(journalEntries(paths.journal).map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded']);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
  });

  it('lock stolen (deleted and recreated with a fresh mtime) and detected by the append itself: LOCK_COMPROMISED, and the new owner keeps its lock after the old writer exits', async () => {
    const dir = tempDir();
    const runId = 'lock-stolen';
    const paths = runPaths(dir, runId);
    const child = await writer();
    expectOk(await child.call('start', { dir, runId, lockStaleMs: STALE }));
    expectOk(await child.call('append', { prefix: 'ok' }));
    fs.rmSync(paths.lock, { recursive: true });
    fs.mkdirSync(paths.lock);

    const refused = errorOf(await child.call('append', { prefix: 'refused' }));
    expect(refused).toMatchObject({ name: 'LockCompromisedError', code: 'LOCK_COMPROMISED' });
    expect(refused.message).toContain(runId);
    expectOk(await child.call('close'));
    const exit = await endWriter(child);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(UNCAUGHT);

    expect(journalEntries(paths.journal).map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded']);
    // The lock is the new owner's now: the old writer must not remove it, on close or on exit.
    expect(fs.existsSync(paths.lock), "the new owner's writer.lock was removed by the old writer").toBe(true);
  });

  it("lock stolen and found by proper-lockfile's refresh timer: the process stays alive, appends fail with LOCK_COMPROMISED, the new owner keeps its lock", async () => {
    const dir = tempDir();
    const runId = 'lock-stolen-timer';
    const paths = runPaths(dir, runId);
    const child = await writer();
    expectOk(await child.call('start', { dir, runId, lockStaleMs: STALE }));
    expectOk(await child.call('append', { prefix: 'ok' }));
    fs.rmSync(paths.lock, { recursive: true });
    fs.mkdirSync(paths.lock);
    const stolenMtime = fs.statSync(paths.lock).mtimeMs;
    expectOk(await child.call('sleep', { ms: 3500 }));

    const refused = errorOf(await child.call('append', { prefix: 'refused' }));
    expect(refused).toMatchObject({ name: 'LockCompromisedError', code: 'LOCK_COMPROMISED' });
    // proper-lockfile's report: the mtime is not its own any more (or, had it looked mid-steal, the folder was gone).
    expect(refused.message).toMatch(/Unable to update lock within the stale threshold|ENOENT/);
    expectOk(await child.call('close'));
    const exit = await endWriter(child);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(UNCAUGHT);

    expect(journalEntries(paths.journal).map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded']);
    // Neither removed nor refreshed by the old writer.
    expect(fs.statSync(paths.lock).mtimeMs).toBe(stolenMtime);
  });

  it('async collector: appends after the lock was deleted reject with LOCK_COMPROMISED and write nothing', async () => {
    const dir = tempDir();
    const runId = 'lock-deleted-async';
    const paths = runPaths(dir, runId);
    const child = await writer();
    expectOk(await child.call('start', { dir, runId, lockStaleMs: STALE, collector: 'async' }));
    expect(expectOk(await child.call('append', { prefix: 'ok', count: 2 })).seqs).toEqual([2, 3]);
    fs.rmSync(paths.lock, { recursive: true });

    const refused = errorOf(await child.call('append', { prefix: 'refused' }));
    expect(refused).toMatchObject({ name: 'LockCompromisedError', code: 'LOCK_COMPROMISED' });
    expect(refused.message).toContain(runId);
    expect(errorOf(await child.call('append', { prefix: 'refused-again' }))).toMatchObject({ code: 'LOCK_COMPROMISED' });
    expectOk(await child.call('close'));
    const exit = await endWriter(child);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(UNCAUGHT);
    expect(journalEntries(paths.journal).map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded', 'ErrorRecorded']);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
  });

  it('in this process too: an append after the lock folder was deleted throws LockCompromisedError', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'in-process-lock', lockStaleMs: STALE });
    fs.rmSync(runPaths(dir, 'in-process-lock').lock, { recursive: true });
    expect(() => c.recordError({ kind: 'k', message: 'x', recoverable: true })).toThrow(LockCompromisedError);
    c.close();
    expect(journalEntries(c.journalPath).map((l) => l.type)).toEqual(['RunStarted']);
  });
});

describe('fencing a previous writer at resume: the new writer never appends to the file the old one has open', () => {
  it('resume renames a copy over the journal: the old writer, still alive, acknowledges nothing more and its late bytes reach no reader', async () => {
    const dir = tempDir();
    const runId = 'fenced';
    const paths = runPaths(dir, runId);
    const old = await startRun(dir, { runId, lockStaleMs: STALE });
    old.recordError({ kind: 'k', message: 'acknowledged before', recoverable: true });
    const inodeBefore = fs.statSync(paths.journal).ino;
    // The old writer froze long enough for its lock to go stale: a new process takes the run over.
    const stale = new Date(Date.now() - 60_000);
    fs.utimesSync(paths.lock, stale, stale);
    const resumed = await MetricsCollector.resume({
      dir,
      runId,
      lockStaleMs: STALE,
      lockWaitMs: 0,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    expect(fs.statSync(paths.journal).ino).not.toBe(inodeBefore);
    expect(() => old.recordError({ kind: 'k', message: 'late', recoverable: true })).toThrow(LockCompromisedError);
    resumed.recordError({ kind: 'k', message: 'after resume', recoverable: true });
    resumed.finalizeRun('completed');
    old.close();
    const entries = journalEntries(paths.journal);
    expect(entries.map((e) => e.type)).toEqual(['RunStarted', 'ErrorRecorded', 'RunResumed', 'ErrorRecorded', 'RunFinished']);
    expect(entries.map((e) => (e.data as { message?: string }).message).filter(Boolean)).toEqual(['acknowledged before', 'after resume']);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
    expect(fs.readdirSync(paths.runDir).filter((name) => name.includes('takeover'))).toEqual([]);
  });

  it('a writer whose journal was replaced under it (lock still its own) stops at its next append with LOCK_COMPROMISED naming the journal', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'replaced', lockStaleMs: STALE });
    const journal = c.journalPath;
    fs.copyFileSync(journal, `${journal}.copy`);
    fs.renameSync(`${journal}.copy`, journal);
    let error: unknown = null;
    try {
      c.recordError({ kind: 'k', message: 'x', recoverable: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LockCompromisedError);
    expect((error as Error).message).toContain(`${journal} was replaced`);
    c.close();
    expect(journalEntries(journal).map((e) => e.type)).toEqual(['RunStarted']);
  });

  it('the async collector rejects the batch whose fdatasync finished after the journal was replaced, and every later append', async () => {
    const dir = tempDir();
    const c = await AsyncMetricsCollector.start({
      dir,
      runId: 'replaced-async',
      projectId: 'p',
      config: { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3 },
      handleSignals: false,
      prices: null,
      liveUpdates: false,
      lockStaleMs: STALE,
    });
    await c.recordError({ kind: 'k', message: 'durable', recoverable: true });
    const journal = c.journalPath;
    fs.copyFileSync(journal, `${journal}.copy`);
    fs.renameSync(`${journal}.copy`, journal);
    await expect(c.recordError({ kind: 'k', message: 'after', recoverable: true })).rejects.toMatchObject({ code: 'LOCK_COMPROMISED' });
    await expect(c.recordError({ kind: 'k', message: 'later', recoverable: true })).rejects.toMatchObject({ code: 'LOCK_COMPROMISED' });
    c.close();
    expect(journalEntries(journal).map((e) => (e.data as { message?: string }).message ?? e.type)).toEqual(['RunStarted', 'durable']);
  });

  it('resume removes the copy a dead resumer left behind, but not one whose process is alive', async () => {
    const dir = tempDir();
    const runId = 'leftovers';
    const paths = runPaths(dir, runId);
    const c = await startRun(dir, { runId, lockStaleMs: STALE });
    c.close();
    // pid 2^22 + 1 is above Linux's pid_max limit: no such process.
    const dead = `${paths.journal}.takeover-4194305-deadbeef`;
    const alive = `${paths.journal}.takeover-${process.ppid}-cafebabe`;
    fs.writeFileSync(dead, 'x');
    fs.writeFileSync(alive, 'y');
    const resumed = await MetricsCollector.resume({
      dir,
      runId,
      lockStaleMs: STALE,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    resumed.close();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(alive)).toBe(true);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
  });
});
