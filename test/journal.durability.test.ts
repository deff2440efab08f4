import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsyncMetricsCollector, nodeFileOps, verifyRun, type FileOps } from '../src/index.js';
import { CONFIG, readLines, startRun } from './helpers/runs.js';
import { recordingOps } from './helpers/recording-ops.js';
import { tempDir } from './helpers/temp-dir.js';

describe('durable before acknowledged (rule 4)', () => {
  it('a new journal is created exclusively, fsynced, its folder fsynced, before the first line', async () => {
    const dir = tempDir();
    const { ops, log } = recordingOps();
    const c = await startRun(dir, { runId: 'r1', fileOps: ops });
    const created = log.calls.indexOf('openSync events.ndjson');
    expect(created).toBeGreaterThan(-1);
    // file fsync, then the run folder opened and fsynced, then the first line written and fdatasynced
    expect(log.calls.slice(created, created + 6)).toEqual([
      'openSync events.ndjson',
      'fsyncSync',
      'openSync r1',
      'fsyncSync',
      'writeSync',
      'fdatasyncSync',
    ]);
    // runs/ and runs/r1 were new: the parent of each was fsynced, so both folders survive a power loss
    expect(log.calls.slice(0, created)).toEqual(['openSync runs', 'fsyncSync', `openSync ${path.basename(dir)}`, 'fsyncSync']);
    c.finalizeRun();
  });

  it('every sync call returns only after an fdatasync covering its line', async () => {
    const dir = tempDir();
    const { ops, log } = recordingOps();
    const c = await startRun(dir, { runId: 'r1', fileOps: ops });
    const before = log.count('fdatasyncSync');
    c.startIssue(1);
    expect(log.calls.at(-1)).toBe('fdatasyncSync');
    c.recordError({ kind: 'tool', message: 'boom', recoverable: true });
    expect(log.calls.at(-1)).toBe('fdatasyncSync');
    expect(log.count('fdatasyncSync')).toBe(before + 2);
    c.finalizeRun();
  });

  it('journal files are created 0600 and run folders 0700', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'r1' });
    expect(fs.statSync(c.journalPath).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(c.journalPath)).mode & 0o777).toBe(0o700);
    c.finalizeRun();
  });
});

describe('group commit: concurrent async appends share fdatasyncs', () => {
  it('64 concurrent appends land in call order with far fewer than 64 fdatasyncs', async () => {
    const dir = tempDir();
    const { ops, log } = recordingOps();
    const c = await AsyncMetricsCollector.start({
      dir,
      runId: 'g',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
      fileOps: ops,
    });
    const syncsBefore = log.count('fdatasync');
    await Promise.all(Array.from({ length: 64 }, (_, i) => c.recordError({ kind: 'tool', message: `error ${i}`, recoverable: true })));
    const syncs = log.count('fdatasync') - syncsBefore;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(2);
    await c.finalizeRun();
    const entries = readLines(c.journalPath).map((l) => JSON.parse(l));
    const errors = entries.filter((e) => e.type === 'ErrorRecorded');
    expect(errors.map((e) => e.data.message)).toEqual(Array.from({ length: 64 }, (_, i) => `error ${i}`));
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(verifyRun(dir, 'g').verdict).toBe('intact');
  });

  it('a promise resolves only after the fdatasync that covers it has completed', async () => {
    const dir = tempDir();
    let releaseSync: (() => void) | null = null;
    const ops: FileOps = {
      ...nodeFileOps,
      fdatasync: (fd, cb) => {
        releaseSync = () => nodeFileOps.fdatasync(fd, cb);
      },
    };
    const c = await AsyncMetricsCollector.start({
      dir,
      runId: 'g',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
      fileOps: ops,
    });
    let resolved = false;
    const pending = c.startIssue(1).then(() => {
      resolved = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(releaseSync).not.toBeNull();
    expect(resolved).toBe(false);
    releaseSync!();
    await pending;
    expect(resolved).toBe(true);
    c.close();
  });

  it('events$ emits each event once it is durable, in seq order', async () => {
    const dir = tempDir();
    const c = await AsyncMetricsCollector.start({
      dir,
      runId: 'g',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    const seen: number[] = [];
    let completed = false;
    c.events$.subscribe({ next: (e) => seen.push(e.seq), complete: () => (completed = true) });
    await Promise.all([c.startIssue(1), c.startAgent('coding'), c.recordError({ kind: 'x', message: 'y', recoverable: true })]);
    await c.finalizeRun();
    expect(seen).toEqual([2, 3, 4, 5]);
    expect(completed).toBe(true);
  });

  it('an events$ subscriber may record events from inside its callback without breaking the chain', async () => {
    const dir = tempDir();
    const c = await AsyncMetricsCollector.start({
      dir,
      runId: 'g',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      liveUpdates: false,
    });
    const followUps: Array<Promise<void>> = [];
    c.events$.subscribe((e) => {
      if (e.type === 'ToolCallEnded')
        followUps.push(c.recordError({ kind: 'tool', message: `after ${(e.data as { callId: string }).callId}`, recoverable: true }));
    });
    const calls = await Promise.all(Array.from({ length: 8 }, () => c.startToolCall('run_tests')));
    await Promise.all(calls.map((id) => c.endToolCall(id, { success: false })));
    await Promise.all(followUps);
    await c.finalizeRun();
    const entries = readLines(c.journalPath).map((l) => JSON.parse(l));
    expect(entries.filter((e) => e.type === 'ErrorRecorded')).toHaveLength(8);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(verifyRun(dir, 'g')).toMatchObject({ verdict: 'intact', events: entries.length });
  });
});
