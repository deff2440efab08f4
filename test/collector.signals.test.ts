import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaths, verifyRun } from '../src/index.js';
import { ChildPool, journalEntries, type Child, type JournalLine, type Message } from './helpers/child.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * Crash protection (src/collector/process-guard.ts), in real child processes with the default
 * handleSignals: true. A run left open when the process goes gets RunFinished "interrupted" or
 * "crashed", durably, and the process still ends the way it would have without runledger.
 */

const children = new ChildPool();
afterEach(() => children.destroyAll());

async function openRun(collector: 'sync' | 'async' = 'sync'): Promise<{ child: Child; dir: string; runId: string }> {
  const dir = tempDir();
  const runId = 'guarded-run';
  const child = children.fixture('scripted-writer.mjs');
  await child.waitFor((m) => m.event === 'hello', 'hello');
  expectOk(await child.call('start', { dir, runId, collector, lockStaleMs: 2000 }));
  expectOk(await child.call('append', { prefix: 'work', count: 2 }));
  return { child, dir, runId };
}

function expectOk(reply: Message): Message {
  expect(reply.error, `command failed: ${JSON.stringify(reply.error)}`).toBeUndefined();
  return reply;
}

/** The journal verifies, has exactly one RunFinished, and it is the last line. */
function finishedLine(dir: string, runId: string): JournalLine {
  expect(verifyRun(dir, runId).verdict).toBe('intact');
  const lines = journalEntries(runPaths(dir, runId).journal);
  expect(lines.filter((l) => l.type === 'RunFinished')).toHaveLength(1);
  expect(lines.at(-1)!.type).toBe('RunFinished');
  return lines.at(-1)!;
}

describe('crash protection in a child process (handleSignals: true, the default)', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s: the journal ends with RunFinished "interrupted", then the process dies by that signal',
    async (signal) => {
      const { child, dir, runId } = await openRun();
      child.kill(signal);
      const exit = await child.exited;
      expect(exit, `stderr:\n${child.stderr}`).toEqual({ code: null, signal });
      const finished = finishedLine(dir, runId);
      expect(finished.data).toMatchObject({ status: 'interrupted', reason: `received ${signal}` });
      expect(journalEntries(runPaths(dir, runId).journal).map((l) => l.type)).toEqual([
        'RunStarted',
        'ErrorRecorded',
        'ErrorRecorded',
        'RunFinished',
      ]);
      // The run was closed properly: its lock is released.
      expect(fs.existsSync(runPaths(dir, runId).lock)).toBe(false);
    },
  );

  it('a supervisor that records on every turn of the event loop: SIGTERM ends it by the signal, no call reaches the finalized run', async () => {
    const { child, dir, runId } = await openRun();
    child.send({ id: 99, op: 'recordEveryTick', prefix: 'tick' });
    await child.waitFor((m) => m.event === 'recording', 'recording');
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit, `stderr:\n${child.stderr}`).toEqual({ code: null, signal: 'SIGTERM' });
    expect(child.stderr).not.toContain('RUN_FINALIZED');
    expect(finishedLine(dir, runId).data).toMatchObject({ status: 'interrupted', reason: 'received SIGTERM' });
  });

  it('an uncaught exception: RunFinished "crashed" with the error, then exit code 1 with the error printed', async () => {
    const { child, dir, runId } = await openRun();
    child.send({ id: 99, op: 'throwLater', message: 'supervisor bug: boom' });
    const exit = await child.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(child.stderr).toContain('supervisor bug: boom');
    const finished = finishedLine(dir, runId);
    expect(finished.data.status).toBe('crashed');
    expect(String(finished.data.reason)).toMatch(/^uncaughtException: .*supervisor bug: boom/s);
  });

  it('an unhandled promise rejection that ends the process: RunFinished "crashed", exit code 1', async () => {
    const { child, dir, runId } = await openRun();
    child.send({ id: 99, op: 'rejectLater', message: 'nobody awaited this' });
    const exit = await child.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(child.stderr).toContain('nobody awaited this');
    const finished = finishedLine(dir, runId);
    expect(finished.data.status).toBe('crashed');
    expect(String(finished.data.reason)).toMatch(/^unhandledRejection: .*nobody awaited this/s);
  });

  it('a program with its own SIGTERM listener stays alive after the signal; the run is still marked interrupted', async () => {
    const { child, dir, runId } = await openRun();
    expectOk(await child.call('ownListener', { signal: 'SIGTERM' }));
    child.kill('SIGTERM');
    await child.waitFor((m) => m.event === 'own-listener', "the program's own SIGTERM listener");
    // Still alive and answering after the signal was handled.
    expect(expectOk(await child.call('ping')).pid).toBe(child.pid);
    expect(child.hasExited).toBe(false);
    expect(finishedLine(dir, runId).data).toMatchObject({ status: 'interrupted', reason: 'received SIGTERM' });
    // The run is finalized: further tracking calls are refused, nothing is added.
    expect((await child.call('append', { prefix: 'late' })).error).toMatchObject({ code: 'RUN_FINALIZED' });

    child.send({ id: 0, op: 'end' });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(journalEntries(runPaths(dir, runId).journal).map((l) => l.type)).toEqual([
      'RunStarted',
      'ErrorRecorded',
      'ErrorRecorded',
      'RunFinished',
    ]);
  });

  it('the process ends by itself (exit code 0) without finalizeRun: RunFinished "interrupted"', async () => {
    const { child, dir, runId } = await openRun();
    child.send({ id: 0, op: 'end' });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(finishedLine(dir, runId).data).toMatchObject({ status: 'interrupted', reason: 'process exited with code 0 before finalizeRun' });
    expect(fs.existsSync(runPaths(dir, runId).lock)).toBe(false);
  });

  it('process.exit(3) without finalizeRun: RunFinished "crashed", exit code 3', async () => {
    const { child, dir, runId } = await openRun();
    child.send({ id: 0, op: 'exit', code: 3 });
    expect(await child.exited).toEqual({ code: 3, signal: null });
    expect(finishedLine(dir, runId).data).toMatchObject({ status: 'crashed', reason: 'process exited with code 3 before finalizeRun' });
  });

  it('a run finalized by the program gets no second RunFinished when the process exits', async () => {
    const { child, dir, runId } = await openRun();
    expectOk(await child.call('finalize', { status: 'completed' }));
    child.send({ id: 0, op: 'end' });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(finishedLine(dir, runId).data.status).toBe('completed');
  });
});

describe('crash protection with the AsyncMetricsCollector: appends queued when SIGTERM arrives', () => {
  it('300 appends queued in the tick that raises SIGTERM: all of them, in call order, then RunFinished "interrupted"', async () => {
    const { child, dir, runId } = await openRun('async');
    child.send({ id: 99, op: 'queueAsync', prefix: 'queued', count: 300, selfSignal: 'SIGTERM' });
    const exit = await child.exited;
    expect(exit, `stderr:\n${child.stderr}`).toEqual({ code: null, signal: 'SIGTERM' });
    // The child queued all of them before raising the signal.
    expect(child.messages).toContainEqual({ event: 'queued-all', count: 300 });

    const lines = journalEntries(runPaths(dir, runId).journal);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
    const expected = Array.from({ length: 300 }, (_, i) => `queued-${i + 1}`);
    expect(lines.slice(3, -1).map((l) => l.data.message)).toEqual(expected);
    expect(lines.slice(0, 3).map((l) => l.type)).toEqual(['RunStarted', 'ErrorRecorded', 'ErrorRecorded']);
    expect(lines.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'interrupted', reason: 'received SIGTERM' } });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  });

  it('SIGTERM from outside while appends keep being queued: every call made before the signal is in the journal, in order, before RunFinished', async () => {
    const { child, dir, runId } = await openRun('async');
    expectOk(await child.call('burst', { prefix: 'burst', perRound: 25 }));
    await child.waitForCount((m) => typeof m.queued === 'string', 200, 'queued appends');
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit, `stderr:\n${child.stderr}`).toEqual({ code: null, signal: 'SIGTERM' });

    // Each {queued} line was printed right after its call returned; the loop stops once the run is finished.
    // The last lines a killed child wrote to its stdout pipe can be lost on the way (once on a busy CI
    // machine: 626 of 650 arrived), so what arrived is a prefix of the calls made: the journal must hold
    // it, in order, and then only the calls after it, numbered as they were made.
    const queued = child.messages.filter((m) => typeof m.queued === 'string').map((m) => m.queued);
    const rejected = child.messages.filter((m) => m.rejected !== undefined);
    expect(rejected).toEqual([]);
    const lines = journalEntries(runPaths(dir, runId).journal);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
    const journaled = lines.slice(3, -1).map((l) => l.data.message);
    expect(journaled.slice(0, queued.length)).toEqual(queued);
    expect(journaled).toEqual(Array.from({ length: journaled.length }, (_, i) => `burst-${i + 1}`));
    expect(lines.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'interrupted', reason: 'received SIGTERM' } });
  });

  it("a program's own SIGTERM listener that opens a file after runledger closed the journal: the group commit still in flight never touches that file", async () => {
    const { child, dir, runId } = await openRun('async');
    const report = `${dir}/shutdown-report.txt`;
    child.send({ id: 99, op: 'shutdownReport', prefix: 'pending', count: 50, busyMs: 1500, file: report, text: 'REPORT' });
    const written = await child.waitFor((m) => m.event === 'report-written', 'the report');
    await child.waitFor((m) => m.event === 'settled', 'all fs requests settled');
    child.send({ id: 0, op: 'end' });
    expect(await child.exited).toEqual({ code: 0, signal: null });

    // The journal is complete: the 50 pending appends, then RunFinished.
    const lines = journalEntries(runPaths(dir, runId).journal);
    expect(verifyRun(dir, runId).verdict).toBe('intact');
    expect(lines.slice(3, -1).map((l) => l.data.message)).toEqual(Array.from({ length: 50 }, (_, i) => `pending-${i + 1}`));
    expect(lines.at(-1)).toMatchObject({ type: 'RunFinished', data: { status: 'interrupted' } });
    // The report file usually gets the journal's old fd number; runledger must not truncate, extend or write it.
    const bytes = fs.readFileSync(report);
    expect(
      bytes.length,
      `report file (fd ${String(written.fd)}, journal had fd ${String(written.journalFd)}) is ${bytes.length} bytes`,
    ).toBe(6);
    expect(bytes.toString('latin1')).toBe('REPORT');
  });
});
