import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../replay/index.js';
import { assemblyRecordFile, readAssemblyRecord, writeAssemblyRecord } from '../replay/assembly-record.js';
import { indexLogFile } from '../replay/index-log.js';
import { assembleDueTables, updateLiveRuns } from '../replay/live-runs.js';
import { replayPaths } from '../replay/replay-paths.js';
import { loadRunIndexWithAssembly } from '../replay/run-index.js';
import { tablesStaleFile } from '../replay/tables-stale.js';
import type { MetricsCollector } from '../src/index.js';
import { startRun } from './helpers/runs.js';
import { assembledFiles, assembledPath, tablesOfAFullReplay } from './helpers/assembled-files.js';
import { ASSEMBLED_FILES } from '../replay/assembled-files.js';
import { tempDir } from './helpers/temp-dir.js';

const csv = (dir: string, table: string): string => path.join(dir, 'csv', table);
const inodes = (dir: string): number[] => ASSEMBLED_FILES.map((file) => fs.statSync(assembledPath(dir, file)).ino);

/** A clock that starts at `start` and moves a second a call: runs started at other times sort apart in the tables. */
function clockFrom(start: string): () => Date {
  let ms = Date.parse(start);
  return () => new Date((ms += 1000));
}

async function finishedRun(dir: string, runId: string, start: string, issues = 2): Promise<void> {
  const c = await startRun(dir, { runId, clock: clockFrom(start) });
  for (let issue = 1; issue <= issues; issue += 1) work(c, issue);
  c.finalizeRun('completed');
}

function work(c: MetricsCollector, issue: number): void {
  c.startIssue(issue, { title: `issue ${issue}` });
  const agent = c.startAgent('coding');
  const call = c.startToolCall('edit_file');
  c.endToolCall(call, { success: issue % 2 === 1 });
  c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 100 * issue, outputTokens: 10 * issue });
  c.finalizeAgent({ agentId: agent, success: true });
  c.finalizeIssue(issue, issue % 3 === 0 ? 'failed' : 'completed', { linesAdded: issue });
}

describe('the assembled files rewritten in place from the first changed run', () => {
  it('a replay after a new run: the files keep their inodes, only their ends are written, and they are a full replay’s bytes', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'run-1', '2026-01-01T00:00:00Z');
    await finishedRun(dir, 'run-2', '2026-01-02T00:00:00Z');
    await replay({ dir });
    const before = inodes(dir);
    const index = fs.statSync(replayPaths(dir).index);
    const runsCsv = fs.readFileSync(csv(dir, 'runs.csv'));

    await finishedRun(dir, 'run-3', '2026-01-03T00:00:00Z');
    await replay({ dir });
    expect(inodes(dir)).toEqual(before);
    // The rows before the new run are the same bytes at the same place.
    expect(fs.readFileSync(csv(dir, 'runs.csv')).subarray(0, runsCsv.length)).toEqual(runsCsv);
    // The index was extended by its pending log, not written again.
    expect(fs.statSync(replayPaths(dir).index).mtimeMs).toBe(index.mtimeMs);
    expect(fs.existsSync(indexLogFile(replayPaths(dir)))).toBe(true);
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));

    // A run that starts between two others: rewritten from its place on.
    await finishedRun(dir, 'run-2b', '2026-01-02T12:00:00Z', 3);
    await replay({ dir });
    expect(inodes(dir)).toEqual(before);
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });

  it('live: the due tables take in the pending entries in place, reading neither index.json nor the runs folder', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'run-1', '2026-01-01T00:00:00Z');
    await replay({ dir });
    const paths = replayPaths(dir);
    const before = inodes(dir);

    const c = await startRun(dir, { runId: 'run-live', clock: clockFrom('2026-01-05T00:00:00Z') });
    work(c, 1);
    await updateLiveRuns(dir, ['run-live']);
    work(c, 2);
    await updateLiveRuns(dir, ['run-live']);
    c.finalizeRun('completed');
    await updateLiveRuns(dir, ['run-live']);
    expect(fs.existsSync(tablesStaleFile(paths))).toBe(true);
    // index.json's runs made garbage behind its first line (its generation): the live assembly reads only
    // that line; a replay that parsed the runs would discard the file and write it again.
    const saved = fs.readFileSync(paths.index);
    const firstLine = saved.subarray(0, saved.indexOf(0x0a) + 1);
    const garbage = Buffer.concat([firstLine, Buffer.from('not the runs\n')]);
    fs.writeFileSync(paths.index, garbage);
    await expect(assembleDueTables(dir, 0)).resolves.toEqual({ tablesStaleSince: null });
    expect(fs.readFileSync(paths.index)).toEqual(garbage);
    fs.writeFileSync(paths.index, saved);
    expect(inodes(dir)).toEqual(before);
    expect(fs.existsSync(tablesStaleFile(paths))).toBe(false);
    expect(loadRunIndexWithAssembly(paths).pending.size).toBe(0);
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
    // The replay any command makes before reading finds nothing to do.
    const report = await replay({ dir });
    expect(report.runs.every((run) => run.outcome === 'unchanged')).toBe(true);
    expect(inodes(dir)).toEqual(before);
  });

  it('a change before the recorded tail is assembled whole, by a replay of every run', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'run-1', '2026-01-01T00:00:00Z');
    await finishedRun(dir, 'run-2', '2026-01-02T00:00:00Z');
    const early = await startRun(dir, { runId: 'run-0', clock: clockFrom('2025-12-31T00:00:00Z') });
    work(early, 1);
    await replay({ dir });
    const paths = replayPaths(dir);
    // As if more runs than the record keeps had started since run-0: its tail holds run-2 alone.
    const record = readAssemblyRecord(paths)!;
    writeAssemblyRecord(paths, { ...record, tail: record.tail.slice(-1), tailIsAll: false });
    const before = inodes(dir);

    work(early, 2);
    early.finalizeRun('completed');
    await updateLiveRuns(dir, ['run-0']);
    await assembleDueTables(dir, 0);
    expect(inodes(dir).every((ino, i) => ino !== before[i])).toBe(true);
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });

  it('a crash while the files were written in place (record removed, a file cut short) is assembled whole from the fragments', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'run-1', '2026-01-01T00:00:00Z');
    await finishedRun(dir, 'run-2', '2026-01-02T00:00:00Z');
    await replay({ dir });
    const paths = replayPaths(dir);
    await finishedRun(dir, 'run-3', '2026-01-03T00:00:00Z');
    await updateLiveRuns(dir, ['run-3']);
    // What rewriteTail leaves when the process dies between its writes: no record, a table half written.
    fs.rmSync(assemblyRecordFile(paths));
    const issues = fs.readFileSync(csv(dir, 'issues.csv'));
    fs.writeFileSync(csv(dir, 'issues.csv'), issues.subarray(0, issues.length - 7));

    const report = await replay({ dir });
    expect(report.tablesLaggedSince).toBeDefined();
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
    expect(readAssemblyRecord(paths)).not.toBeNull();
  });

  it('a table changed by hand since the last assembly is not written over in place: it is assembled whole', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'run-1', '2026-01-01T00:00:00Z');
    await replay({ dir });
    fs.appendFileSync(csv(dir, 'errors.csv'), 'a row someone added\r\n');
    const edited = fs.statSync(csv(dir, 'errors.csv')).ino;
    await finishedRun(dir, 'run-2', '2026-01-02T00:00:00Z');
    await replay({ dir });
    expect(fs.statSync(csv(dir, 'errors.csv')).ino).not.toBe(edited);
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });
});

describe("the index's pending log, folded into index.json once it has grown", () => {
  it('a live assembly folds a log of more than 1 MiB into index.json, and the next ones extend the new index', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'run-1', '2026-01-01T00:00:00Z');
    await replay({ dir });
    const paths = replayPaths(dir);
    const c = await startRun(dir, { runId: 'run-live', clock: clockFrom('2026-01-05T00:00:00Z') });
    work(c, 1);
    await updateLiveRuns(dir, ['run-live']);
    // The same verified line many times over: a log as large as months of live updates would leave.
    const line = fs.readFileSync(indexLogFile(paths), 'utf8');
    fs.appendFileSync(indexLogFile(paths), line.repeat(Math.ceil((1.2 * 2 ** 20) / line.length)));
    const generation = readAssemblyRecord(paths)!.generation;

    await assembleDueTables(dir, 0);
    expect(fs.existsSync(indexLogFile(paths))).toBe(false);
    const record = readAssemblyRecord(paths)!;
    expect(record.generation).not.toBe(generation);
    expect(record.pendingBytes).toBe(0);
    expect([...loadRunIndexWithAssembly(paths).index.keys()].sort()).toEqual(['run-1', 'run-live']);

    work(c, 2);
    c.finalizeRun('completed');
    await updateLiveRuns(dir, ['run-live']);
    const before = inodes(dir);
    await assembleDueTables(dir, 0);
    expect(inodes(dir)).toEqual(before); // in place again, on the new index
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });

  it('a replay folds a large log too, and appends to a small one', async () => {
    const dir = tempDir();
    await finishedRun(dir, 'run-1', '2026-01-01T00:00:00Z');
    await replay({ dir });
    const paths = replayPaths(dir);
    await finishedRun(dir, 'run-2', '2026-01-02T00:00:00Z');
    await replay({ dir });
    const small = fs.statSync(indexLogFile(paths)).size;
    expect(small).toBeGreaterThan(0);
    const line = fs.readFileSync(indexLogFile(paths), 'utf8');
    fs.appendFileSync(indexLogFile(paths), line.repeat(Math.ceil((1.2 * 2 ** 20) / line.length)));
    await finishedRun(dir, 'run-3', '2026-01-03T00:00:00Z');
    await replay({ dir });
    expect(fs.existsSync(indexLogFile(paths))).toBe(false);
    expect(readAssemblyRecord(paths)!.pendingBytes).toBe(0);
    expect(assembledFiles(dir)).toEqual(await tablesOfAFullReplay(dir));
  });
});
