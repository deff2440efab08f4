import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../replay/index.js';
import { setDefaultDerivedFilesUpdater } from '../src/collector/live-derived-files.js';
import { CollectorModeError, MetricsCollector } from '../src/index.js';
import { replayLiveUpdate } from '../replay/live-update.js';
import { CONFIG } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const TABLES = ['runs.csv', 'issues.csv', 'agents.csv', 'pipelines.csv', 'tool_usage.csv', 'debugging_cycles.csv', 'errors.csv'];
const readTables = (dir: string): Record<string, string> =>
  Object.fromEntries(TABLES.map((t) => [t, fs.readFileSync(path.join(dir, 'csv', t), 'utf8')]));
const csvRows = (dir: string, table: string): string[][] =>
  fs
    .readFileSync(path.join(dir, 'csv', table), 'utf8')
    .replace(/^\ufeff/, '')
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));

describe('the live path: finalizing keeps the derived files current', () => {
  it('a finished issue appears in issues.csv at once; the finished run in runs.csv and final_report.json', async () => {
    const dir = tempDir();
    const c = await MetricsCollector.start({ dir, runId: 'live-1', projectId: 'p', config: CONFIG, handleSignals: false, prices: null });
    c.startIssue(7, { title: 'first' });
    c.startIssue(8, { title: 'second' });
    c.finalizeIssue(7, 'completed', { linesAdded: 10 });
    await c.whenDerivedFilesUpdated();
    const issues = csvRows(dir, 'issues.csv');
    const status = issues[0]!.indexOf('status');
    expect(issues.slice(1).map((r) => [r[1], r[status]])).toEqual([
      ['7', 'completed'],
      ['8', 'open'],
    ]);
    expect(csvRows(dir, 'runs.csv')[1]![2]).toBe('running');
    expect(fs.existsSync(path.join(dir, 'runs', 'live-1', 'issues', 'issue_7_report.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'runs', 'live-1', 'final_report.json'))).toBe(false);

    c.finalizeIssue(8, 'failed');
    c.finalizeRun('completed');
    await c.whenDerivedFilesUpdated();
    expect(csvRows(dir, 'runs.csv')[1]![2]).toBe('completed');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'runs', 'live-1', 'final_report.json'), 'utf8')).run.issues).toMatchObject({
      total: 2,
      completed: 1,
      failed: 1,
    });
  });

  it('supervisors finishing issues at the same moment in separate processes leave the tables a fresh full replay makes', async () => {
    const dir = tempDir();
    const writers = Array.from({ length: 4 }, (_, i) => `live-${i}`);
    const children = writers.map((runId) => {
      const child = spawn(process.execPath, [path.join('test', 'fixtures', 'live-writer.mjs'), JSON.stringify({ dir, runId, issues: 6 })], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      return new Promise<void>((resolve, reject) =>
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${runId} exited ${code}: ${stderr}`)))),
      );
    });
    await Promise.all(children);
    const live = readTables(dir);
    expect(live['runs.csv']!.trimEnd().split('\r\n')).toHaveLength(1 + writers.length);
    expect(live['issues.csv']!.trimEnd().split('\r\n')).toHaveLength(1 + writers.length * 6);

    fs.rmSync(path.join(dir, 'csv'), { recursive: true });
    fs.rmSync(path.join(dir, '.replay'), { recursive: true });
    await replay({ dir, full: true });
    expect(readTables(dir)).toEqual(live);
  });
});

describe('the updater the collector is given (it never imports replay itself)', () => {
  it('runs a given updateDerivedFiles with the logs folder when an issue and when the run is finalized', async () => {
    const dir = tempDir();
    const calls: string[] = [];
    const c = await MetricsCollector.start({
      dir,
      runId: 'given',
      projectId: 'p',
      config: CONFIG,
      handleSignals: false,
      prices: null,
      updateDerivedFiles: async (logsDir) => void calls.push(logsDir),
    });
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    await c.whenDerivedFilesUpdated();
    expect(calls).toEqual([dir]);
    c.finalizeRun('completed');
    await c.whenDerivedFilesUpdated();
    expect(calls).toEqual([dir, dir]);
    expect(fs.existsSync(path.join(dir, 'csv'))).toBe(false);
  });

  it('whenDerivedFilesUpdated() rejects with the error when the update failed (ENOSPC), and resolves again once one succeeds', async () => {
    const dir = tempDir();
    let fail = true;
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const warnings: Error[] = [];
    const onWarning = (warning: Error): number => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const c = await MetricsCollector.start({
        dir,
        runId: 'full-disk',
        projectId: 'p',
        config: CONFIG,
        handleSignals: false,
        prices: null,
        updateDerivedFiles: async () => {
          if (fail) throw enospc;
        },
      });
      c.startIssue(1);
      c.finalizeIssue(1, 'completed');
      await expect(c.whenDerivedFilesUpdated()).rejects.toBe(enospc);
      await expect(c.whenDerivedFilesUpdated()).rejects.toBe(enospc); // still behind: nothing has updated them since
      fail = false;
      c.finalizeRun('completed');
      await expect(c.whenDerivedFilesUpdated()).resolves.toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual(['RUNLEDGER_LIVE_REPLAY']);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('with no updater at all (the collector imported past the package entry), live updates are refused before anything is written', async () => {
    const dir = tempDir();
    setDefaultDerivedFilesUpdater(null);
    try {
      await expect(
        MetricsCollector.start({ dir, runId: 'none', projectId: 'p', config: CONFIG, handleSignals: false, prices: null }),
      ).rejects.toBeInstanceOf(CollectorModeError);
      expect(fs.readdirSync(dir)).toEqual([]);
      const c = await MetricsCollector.start({
        dir,
        runId: 'off',
        projectId: 'p',
        config: CONFIG,
        handleSignals: false,
        prices: null,
        liveUpdates: false,
      });
      c.finalizeRun('completed');
    } finally {
      setDefaultDerivedFilesUpdater(replayLiveUpdate);
    }
  });
});

describe("running or crashed: by the writer's own stale time", () => {
  it('a SIGKILLed writer started with lockStaleMs 2000 shows as crashed once its lock is 2 s old, not after the default 10 s', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [
        path.join('test', 'fixtures', 'kill-loop-writer.mjs'),
        JSON.stringify({ dir, runId: 'stale-2s', resume: false, mode: 'sync', tag: 'k', concurrency: 1 }),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const before = await replay({ dir });
    expect(before.runs[0]!.outcome).toBe('replayed');
    expect(fs.readFileSync(path.join(dir, 'csv', 'runs.csv'), 'utf8')).toContain(',running,');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const killedAt = Date.now();
    // Stale 2 s after the last refresh; proper-lockfile may have set a fresh lock's mtime up to 1 s ahead.
    const status = (): string => JSON.parse(fs.readFileSync(path.join(dir, 'runs', 'stale-2s', 'metadata.json'), 'utf8')).status;
    while (Date.now() - killedAt < 8000) {
      await replay({ dir });
      if (status() === 'crashed') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status()).toBe('crashed');
    expect(Date.now() - killedAt).toBeLessThan(8000); // the default 10 s would still call it running
  });
});
