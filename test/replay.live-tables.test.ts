import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, tablesStaleSinceIn } from '../replay/index.js';
import { indexLogFile } from '../replay/index-log.js';
import { assembleDueTables } from '../replay/live-runs.js';
import { replayLiveUpdate } from '../replay/live-update.js';
import { replayPaths } from '../replay/replay-paths.js';
import { loadRunIndexWithAssembly } from '../replay/run-index.js';
import { tablesStaleFile } from '../replay/tables-stale.js';
import type { DerivedFilesUpdater } from '../src/collector/live-derived-files.js';
import { MetricsCollector } from '../src/index.js';
import { CLI, runNode } from './helpers/child.js';
import { CONFIG } from './helpers/runs.js';
import { assembledFiles, tablesOfAFullReplay } from './helpers/assembled-files.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * replay's live updater, recording each call: `runs` for a runs-only update, `whole` for one with the
 * tables. `done(i)` is the i-th call's answer, once it is made: an update starts when the collector's
 * appends pause, not within the finalize call.
 */
function recordingUpdater(): {
  update: DerivedFilesUpdater;
  calls: string[];
  done: (i: number) => Promise<unknown>;
  whole: Promise<void>;
} {
  const calls: string[] = [];
  const answers: Array<Promise<unknown>> = [];
  const waiting = new Map<number, (answer: Promise<unknown>) => void>();
  let wholeDone!: () => void;
  const whole = new Promise<void>((resolve) => (wholeDone = resolve));
  const update: DerivedFilesUpdater = (logsDir, request) => {
    calls.push(request === undefined ? 'whole' : 'runIds' in request ? `runs ${request.runIds.join(' ')}` : 'tables if due');
    const result = replayLiveUpdate(logsDir, request);
    waiting.get(answers.length)?.(result);
    answers.push(result);
    if (request === undefined || 'tablesLaggingMs' in request) void result.then(wholeDone, wholeDone);
    return result;
  };
  const done = (i: number): Promise<unknown> =>
    i < answers.length ? answers[i]! : new Promise<Promise<unknown>>((resolve) => waiting.set(i, resolve)).then((answer) => answer);
  return { update, calls, done, whole };
}

const start = (dir: string, runId: string, update: DerivedFilesUpdater, liveTablesEveryMs: number): Promise<MetricsCollector> =>
  MetricsCollector.start({
    dir,
    runId,
    projectId: 'p',
    config: CONFIG,
    handleSignals: false,
    prices: null,
    updateDerivedFiles: update,
    liveTablesEveryMs,
  });

describe('live updates at scale: the runs at once, the tables within liveTablesEveryMs', () => {
  it("a finished issue's JSON files are written at once, the tables marked stale; a replay makes them exactly a full replay's", async () => {
    const dir = tempDir();
    await replay({ dir }); // an empty folder's tables and index, as any folder has after its first replay
    const live = recordingUpdater();
    const c = await start(dir, 'live-a', live.update, 600_000);
    c.startIssue(1, { title: 'first' });
    c.finalizeIssue(1, 'completed', { linesAdded: 3 });
    await live.done(0);
    const paths = replayPaths(dir);
    expect(live.calls).toEqual(['runs live-a']);
    expect(fs.existsSync(path.join(dir, 'runs', 'live-a', 'issues', 'issue_1_report.json'))).toBe(true);
    expect(fs.existsSync(tablesStaleFile(paths))).toBe(true);
    expect(fs.existsSync(indexLogFile(paths))).toBe(true);
    // The tables are those of before: the header alone.
    expect(
      fs
        .readFileSync(path.join(dir, 'csv', 'issues.csv'), 'utf8')
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(1);

    const staleSince = tablesStaleSinceIn(dir);
    expect(staleSince).toBeInstanceOf(Date);
    const report = await replay({ dir });
    expect(report.tablesLaggedSince).toBe(staleSince!.toISOString());
    expect(tablesStaleSinceIn(dir)).toBeNull();
    expect(report.runs.find((r) => r.runId === 'live-a')!.outcome).toBe('unchanged'); // the live update had replayed it
    expect(fs.existsSync(tablesStaleFile(paths))).toBe(false);
    // The pending entry is now part of the assembled index: nothing is pending any more.
    expect(loadRunIndexWithAssembly(paths).pending.size).toBe(0);
    expect(
      fs
        .readFileSync(path.join(dir, 'csv', 'issues.csv'), 'utf8')
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(2);
    // Compared once its writer is gone: a copy of the journals has no live writer (the run reads "crashed" in both).
    c.close();
    await replay({ dir });
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });

  it('several supervisors finishing issues make one table assembly for all their changes (whenDerivedFilesUpdated runs it now)', async () => {
    const dir = tempDir();
    await replay({ dir });
    const live = recordingUpdater();
    const collectors = await Promise.all(['live-b', 'live-c', 'live-d'].map((runId) => start(dir, runId, live.update, 600_000)));
    for (const issue of [1, 2, 3]) {
      for (const c of collectors) {
        c.startIssue(issue);
        c.finalizeIssue(issue, issue === 2 ? 'failed' : 'completed');
      }
    }
    for (const c of collectors) c.finalizeRun('completed');
    await collectors[0]!.whenDerivedFilesUpdated();
    expect(live.calls.filter((call) => call === 'whole')).toHaveLength(1);
    expect(live.calls.at(-1)).toBe('whole');
    expect(fs.existsSync(tablesStaleFile(replayPaths(dir)))).toBe(false);
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });

  it("the delay counts from the marker's time, whoever wrote it: tables stale for longer than liveTablesEveryMs are assembled after the next update", async () => {
    const dir = tempDir();
    await replay({ dir });
    const paths = replayPaths(dir);
    // Another process's update left the tables stale long ago (and ended before assembling them).
    fs.writeFileSync(tablesStaleFile(paths), `${JSON.stringify({ since: '2020-01-01T00:00:00.000Z' })}\n`);
    const live = recordingUpdater();
    const c = await start(dir, 'live-e', live.update, 600_000);
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    await live.whole; // no whenDerivedFilesUpdated: the collector's own timer, due at once
    expect(live.calls).toEqual(['runs live-e', 'tables if due']);
    expect(fs.existsSync(tablesStaleFile(paths))).toBe(false);
    expect(
      fs
        .readFileSync(path.join(dir, 'csv', 'issues.csv'), 'utf8')
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(2);
    c.close();
  });

  it('a collector whose timer fires after another one assembled, or before the tables are due, assembles nothing', async () => {
    const dir = tempDir();
    await replay({ dir });
    const paths = replayPaths(dir);
    const live = recordingUpdater();
    const c = await start(dir, 'live-i', live.update, 600_000);
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    const { tablesStaleSince: since } = (await live.done(0)) as { tablesStaleSince: number };
    const headerOnly = fs.readFileSync(path.join(dir, 'csv', 'issues.csv'));
    // Stale only since a moment ago: not due yet; the answer says since when, for the next timer.
    await expect(assembleDueTables(dir, 600_000)).resolves.toEqual({ tablesStaleSince: since });
    expect(fs.readFileSync(path.join(dir, 'csv', 'issues.csv'))).toEqual(headerOnly);
    // Due: assembled, once; a second timer firing right after finds them current.
    await expect(assembleDueTables(dir, 0)).resolves.toEqual({ tablesStaleSince: null });
    const assembled = fs.statSync(path.join(dir, 'csv', 'issues.csv'));
    await expect(assembleDueTables(dir, 0)).resolves.toEqual({ tablesStaleSince: null });
    expect(fs.statSync(path.join(dir, 'csv', 'issues.csv')).mtimeMs).toBe(assembled.mtimeMs);
    expect(fs.existsSync(tablesStaleFile(paths))).toBe(false);
    c.close();
  });

  it('after the tables were assembled, the next live update of a run continues from its state file, reading only the new events', async () => {
    const dir = tempDir();
    await replay({ dir });
    const live = recordingUpdater();
    const c = await start(dir, 'live-j', live.update, 600_000);
    for (const issue of [1, 2, 3]) {
      c.startIssue(issue);
      c.finalizeIssue(issue, 'completed');
    }
    await c.whenDerivedFilesUpdated(); // assembled: nothing pending any more
    expect(loadRunIndexWithAssembly(replayPaths(dir)).pending.size).toBe(0);
    const before = live.calls.length;
    c.startIssue(4);
    c.finalizeIssue(4, 'failed');
    await expect(live.done(before)).resolves.toMatchObject({ newEvents: 2 }); // IssueStarted, IssueFinished
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'runs', 'live-j', 'issues', 'issue_4_metrics.json'), 'utf8'))).toMatchObject({
      status: 'failed',
    });
    c.close();
    await replay({ dir });
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });

  it('runledger replay (built CLI) says how long the tables had lagged, and leaves them current', async () => {
    const dir = tempDir();
    await replay({ dir });
    const live = recordingUpdater();
    const c = await start(dir, 'live-k', live.update, 600_000);
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    const { tablesStaleSince: since } = (await live.done(0)) as { tablesStaleSince: number };
    c.close();
    const out = await runNode([CLI, 'replay', '--dir', dir], { timeoutMs: 60_000 });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`The tables had lagged behind the runs since ${new Date(since).toISOString()}`);
    expect(tablesStaleSinceIn(dir)).toBeNull();
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
    const again = await runNode([CLI, 'replay', '--dir', dir], { timeoutMs: 60_000 });
    expect(again.stdout).not.toContain('had lagged');
  });

  it("a torn pending entry and one of an older index are ignored: their runs are read from their journals, and the tables are a full replay's", async () => {
    const dir = tempDir();
    await replay({ dir });
    const paths = replayPaths(dir);
    const live = recordingUpdater();
    const c = await start(dir, 'live-f', live.update, 600_000);
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    await live.done(0);
    // A crash in the middle of the next append, then an entry written for an index.json since replaced.
    fs.appendFileSync(indexLogFile(paths), '{"sha256":"00","generation":"x","entry":["live-f"');
    c.startIssue(2);
    c.finalizeIssue(2, 'failed');
    await live.done(1);
    const lines = fs.readFileSync(indexLogFile(paths), 'utf8').split('\n');
    expect(lines.filter((l) => l.length > 0)).toHaveLength(3); // the good one, the torn one, the good one after it
    fs.appendFileSync(indexLogFile(paths), `${lines[0]!.replace(/"generation":"[0-9a-f]+"/, '"generation":"0000000000000000"')}\n`);
    c.finalizeRun('completed');
    await c.whenDerivedFilesUpdated();
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });

  it('a folder never replayed gets a whole replay from its first live update (there is no index to extend)', async () => {
    const dir = tempDir();
    const live = recordingUpdater();
    const c = await start(dir, 'live-g', live.update, 600_000);
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    await expect(live.done(0)).resolves.toMatchObject({ tablesStaleSince: null });
    expect(fs.existsSync(tablesStaleFile(replayPaths(dir)))).toBe(false);
    expect(
      fs
        .readFileSync(path.join(dir, 'csv', 'issues.csv'), 'utf8')
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(2);
    c.close();
  });

  it.each([-1, 1.5, 2 ** 31, Number.NaN, '30000'])('liveTablesEveryMs %s is refused before anything is written', async (value) => {
    const dir = tempDir();
    await expect(
      MetricsCollector.start({
        dir,
        runId: 'bad',
        projectId: 'p',
        config: CONFIG,
        handleSignals: false,
        prices: null,
        liveTablesEveryMs: value as number,
      }),
    ).rejects.toMatchObject({ code: 'OPTION_INVALID', key: 'liveTablesEveryMs' });
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false);
  });

  it('liveTablesEveryMs 0 assembles the tables with every update, as the JSON files are', async () => {
    const dir = tempDir();
    await replay({ dir });
    const live = recordingUpdater();
    const c = await start(dir, 'live-h', live.update, 0);
    c.startIssue(1);
    c.finalizeIssue(1, 'completed');
    await live.done(0);
    expect(live.calls).toEqual(['whole']);
    expect(
      fs
        .readFileSync(path.join(dir, 'csv', 'issues.csv'), 'utf8')
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(2);
    c.close();
  });
});
