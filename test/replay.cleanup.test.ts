import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupRuns, parseDuration, replay } from '../src/entries/replay.js';
import { readLines, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const DAY = 86_400_000;
const CLI = path.resolve('dist/src/cli/main.js');

/** Records a finished run whose events carry times from `clock`. */
async function finishedRun(dir: string, runId: string, at: Date): Promise<void> {
  const c = await startRun(dir, { runId, clock: () => at });
  c.startIssue(1);
  c.finalizeIssue(1, 'completed');
  c.finalizeRun('completed');
}

const runIdsInCsv = (dir: string): string[] =>
  fs
    .readFileSync(path.join(dir, 'csv', 'runs.csv'), 'utf8')
    .replace(/^\ufeff/, '')
    .trimEnd()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(',')[0]!);

describe('cleanup: retention by age or count', () => {
  const now = new Date('2026-11-26T12:00:00Z');

  it('--older-than removes finished runs whose last event is older, with their files, and rewrites the tables', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'old', new Date(now.getTime() - 40 * DAY));
    await finishedRun(dir, 'recent', new Date(now.getTime() - 2 * DAY));
    await replay({ dir });
    expect(runIdsInCsv(dir)).toEqual(['old', 'recent']);

    const report = await cleanupRuns({ dir, olderThanMs: 30 * DAY, now });
    expect(report.removed.map((r) => r.runId)).toEqual(['old']);
    expect(fs.existsSync(path.join(dir, 'runs', 'old'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'runs', 'recent', 'events.ndjson'))).toBe(true);
    expect(runIdsInCsv(dir)).toEqual(['recent']);
    expect(fs.existsSync(path.join(dir, '.replay', 'runs', 'old.state.json'))).toBe(false);
  });

  it('--keep-last keeps the N most recently started runs', async () => {
    const dir = tempDir();
    for (let i = 1; i <= 4; i += 1) await finishedRun(dir, `run-${i}`, new Date(now.getTime() - (10 - i) * DAY));
    const report = await cleanupRuns({ dir, keepLast: 2, now });
    expect(report.removed.map((r) => r.runId).sort()).toEqual(['run-1', 'run-2']);
    expect(runIdsInCsv(dir)).toEqual(['run-3', 'run-4']);
    expect(report.kept).toBe(2);
  });

  it('never removes a run whose writer holds a live lock, however old', async () => {
    const dir = tempDir();
    const live = await startRun(dir, { runId: 'live', clock: () => new Date(now.getTime() - 90 * DAY) });
    await finishedRun(dir, 'done', new Date(now.getTime() - 90 * DAY));
    const report = await cleanupRuns({ dir, olderThanMs: 30 * DAY, now });
    expect(report.removed.map((r) => r.runId)).toEqual(['done']);
    expect(report.skipped).toEqual([{ runId: 'live', reason: 'a live writer holds it' }]);
    live.startIssue(1); // still writable: its lock was never taken away
    live.finalizeRun();
    expect(readLines(live.journalPath).length).toBe(3);
  });

  it('--dry-run removes nothing and says what it would remove', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'old', new Date(now.getTime() - 40 * DAY));
    const report = await cleanupRuns({ dir, olderThanMs: 30 * DAY, now, dryRun: true });
    expect(report).toMatchObject({ dryRun: true, removed: [{ runId: 'old' }] });
    expect(fs.existsSync(path.join(dir, 'runs', 'old', 'events.ndjson'))).toBe(true);
  });

  it('keeps a corrupt journal for inspection', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'broken', new Date(now.getTime() - 40 * DAY));
    const journal = path.join(dir, 'runs', 'broken', 'events.ndjson');
    const lines = readLines(journal);
    fs.writeFileSync(journal, [...lines.slice(0, 1), ...lines.slice(2)].map((l) => `${l}\n`).join(''));
    const report = await cleanupRuns({ dir, olderThanMs: 30 * DAY, now });
    expect(report.removed).toEqual([]);
    expect(report.skipped[0]).toMatchObject({ runId: 'broken', reason: expect.stringContaining('corrupt') });
    expect(fs.existsSync(journal)).toBe(true);
  });

  it('keeps crashed runs and runs with a torn tail (resumable) unless includeCrashed, which lists them first', async () => {
    const dir = tempDir();
    const crashed = await startRun(dir, { runId: 'crashed', clock: () => new Date(now.getTime() - 50 * DAY) });
    crashed.startIssue(1);
    crashed.close(); // no RunFinished, no live writer: what a SIGKILL leaves
    await finishedRun(dir, 'torn', new Date(now.getTime() - 45 * DAY));
    fs.appendFileSync(path.join(dir, 'runs', 'torn', 'events.ndjson'), '{"v":1,"seq":');
    await finishedRun(dir, 'done', new Date(now.getTime() - 40 * DAY));

    const kept = await cleanupRuns({ dir, keepLast: 0, now });
    expect(kept.removed.map((r) => r.runId)).toEqual(['done']);
    expect(kept.skipped).toEqual([
      { runId: 'torn', reason: expect.stringMatching(/^torn tail at byte \d+: it can be resumed, kept \(--include-crashed/) },
      { runId: 'crashed', reason: expect.stringMatching(/^crashed \(no RunFinished\): it can be resumed/) },
    ]);
    expect(fs.existsSync(path.join(dir, 'runs', 'crashed', 'events.ndjson'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'runs', 'torn', 'events.ndjson'))).toBe(true);

    await finishedRun(dir, 'done-2', new Date(now.getTime() - 30 * DAY));
    const dry = await cleanupRuns({ dir, keepLast: 0, now, includeCrashed: true, dryRun: true });
    expect(dry.removed.map((r) => [r.runId, r.crashed !== null])).toEqual([
      ['torn', true],
      ['crashed', true],
      ['done-2', false],
    ]);
    const out = execFileSync(process.execPath, [CLI, 'cleanup', '--dir', dir, '--keep-last', '0', '--include-crashed', '--dry-run'], {
      encoding: 'utf8',
    });
    expect(out.split('\n').slice(1, 3).join('\n')).toMatch(/would remove\s+torn .*torn tail[^\n]*\n\s+would remove\s+crashed .*crashed/);
    const all = await cleanupRuns({ dir, keepLast: 0, now, includeCrashed: true });
    expect(all.removed.map((r) => r.runId)).toEqual(['torn', 'crashed', 'done-2']);
    expect(fs.readdirSync(path.join(dir, 'runs'))).toEqual([]);
  });

  it('parses ages and refuses a call that says neither age nor count', async () => {
    expect([parseDuration('30d'), parseDuration('12h'), parseDuration('90m'), parseDuration('2w'), parseDuration('45s')]).toEqual([
      30 * DAY,
      12 * 3_600_000,
      90 * 60_000,
      14 * DAY,
      45_000,
    ]);
    expect(parseDuration('30')).toBeNull();
    expect(parseDuration('thirty days')).toBeNull();
    await expect(cleanupRuns({ dir: tempDir() })).rejects.toThrow(/olderThanMs or keepLast/);
  });

  it('the CLI: cleanup --dry-run --json, and exit 2 for a bad age', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'old', new Date('2020-01-01T00:00:00Z'));
    const out = JSON.parse(
      execFileSync(process.execPath, [CLI, 'cleanup', '--dir', dir, '--older-than', '30d', '--dry-run', '--json'], { encoding: 'utf8' }),
    );
    expect(out.removed.map((r: { runId: string }) => r.runId)).toEqual(['old']);
    const bad = spawnSync(process.execPath, [CLI, 'cleanup', '--dir', dir, '--older-than', 'soon'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"soon" is not an age');
  });
});
