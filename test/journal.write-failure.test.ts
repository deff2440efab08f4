import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AsyncMetricsCollector, JournalFailedError, nodeFileOps, verifyRun } from '../src/index.js';
import { CONFIG, readLines, startRun } from './helpers/runs.js';
import { failingOps } from './helpers/recording-ops.js';
import { tempDir } from './helpers/temp-dir.js';

// Start writes the RunStarted line with the 1st writeSync / fdatasyncSync; the n-th tracking call uses the (n+1)-th.
describe.each([
  ['writeSync', 'ENOSPC'],
  ['writeSync', 'EIO'],
  ['fdatasyncSync', 'EIO'],
  ['fdatasyncSync', 'ENOSPC'],
] as const)('a failed %s (%s) is fatal for the journal (rule 5)', (op, code) => {
  it('fails the call, truncates to the last acknowledged line, refuses later appends, keeps what was acknowledged', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'f', fileOps: failingOps(nodeFileOps, op, 4, code) });
    c.startIssue(1);
    c.startAgent('coding');
    const acknowledged = fs.readFileSync(c.journalPath);
    let thrown: unknown;
    try {
      c.recordError({ kind: 'tool', message: 'x', recoverable: true });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(JournalFailedError);
    expect((thrown as JournalFailedError).code).toBe('JOURNAL_FAILED');
    expect((thrown as Error).message).toContain(code);
    expect((thrown as Error).message).toContain(`truncated back to byte ${acknowledged.length}`);
    expect(fs.readFileSync(c.journalPath).equals(acknowledged)).toBe(true);
    expect(() => c.finalizeAgent({ success: true })).toThrow(JournalFailedError);
    expect(fs.readFileSync(c.journalPath).equals(acknowledged)).toBe(true);
    expect(verifyRun(dir, 'f')).toMatchObject({ verdict: 'intact', events: 3 });
    c.close();
  });
});

// Start writes RunStarted synchronously (writeSync #1, fdatasyncSync). After that every flush is one
// writeSync and one async fdatasync, started on the next turn of the event loop so that appends
// made meanwhile share it: startIssue and startAgent share flush 1, the batch of 8 is flush 2, and
// every line of it must fail with it.
describe.each([
  ['writeSync', 'ENOSPC', 3],
  ['writeSync', 'EIO', 3],
  ['fdatasync', 'EIO', 2],
  ['fdatasync', 'ENOSPC', 2],
] as const)('a failed %s (%s) in group commit', (op, code, n) => {
  it('rejects every append of the batch, truncates, and refuses later appends', async () => {
    const dir = tempDir();
    const c = await AsyncMetricsCollector.start({
      dir,
      runId: 'f',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
      fileOps: failingOps(nodeFileOps, op, n, code),
    });
    await Promise.all([c.startIssue(1), c.startAgent('coding')]);
    const acknowledged = fs.readFileSync(c.journalPath);
    const batch = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => c.recordError({ kind: 'x', message: `m${i}`, recoverable: true })),
    );
    expect(batch.map((r) => (r.status === 'rejected' ? (r.reason as JournalFailedError).code : 'fulfilled'))).toEqual(
      Array(8).fill('JOURNAL_FAILED'),
    );
    expect(fs.readFileSync(c.journalPath).equals(acknowledged)).toBe(true);
    await expect(c.finalizeRun()).rejects.toBeInstanceOf(JournalFailedError);
    expect(readLines(c.journalPath)).toHaveLength(3);
    c.close();
  });
});
