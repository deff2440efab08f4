import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { loadAnalysisRuns, replay } from '../replay/index.js';
import { ANALYSIS_FILE, ASSEMBLED_FILES } from '../replay/assembled-files.js';
import { analysisInputsFile, replayPaths, runRowsFile } from '../replay/replay-paths.js';
import { MetricsCollector, PriceBook } from '../src/index.js';
import { analysisRun, historyRandom, simulateHistory } from './helpers/analysis-runs.js';
import { tempDir } from './helpers/temp-dir.js';

const CONFIG = { llm: { provider: 'acme', model: 'test-coder', temperature: 0.7 }, maxRetries: 3 };
const T0 = Date.parse('2025-03-01T09:00:00.000Z');

/** Prices chosen so that every cost below is exact in binary: $1 per million input tokens, $2 per million output tokens. */
function priceBook(dir: string): PriceBook {
  const file = path.join(dir, 'prices.json');
  fs.writeFileSync(file, JSON.stringify({ models: { 'test-coder': { input: 1, output: 2 } } }));
  return new PriceBook({ overrideFile: file, onUnpriced: () => {} });
}

/**
 * One interrupted run of six issues, in start order 1, "b-2", 5, 3, 4, 6:
 *   1      completed, first time right, $1.00 (500k in + 250k out), 60 s
 *   "b-2"  failed, one priced record ($0.25) and one unpriced: cost unknown, 30 s
 *   5      failed after 10 s, started again at the end and completed then (20 s): stays third
 *   3      skipped, no tokens: $0, 5 s
 *   4      completed, but its coding agent ran twice: not first time right, $0.50, 45 s
 *   6      started, never finished (the run is interrupted): not a finished issue; its $0.75 is left out
 */
async function recordRun(dir: string): Promise<void> {
  let now = T0;
  const wait = (seconds: number): void => {
    now += seconds * 1000;
  };
  const c = await MetricsCollector.start({
    dir,
    runId: 'outcomes',
    projectId: 'analysis-inputs',
    config: CONFIG,
    handleSignals: false,
    prices: null,
    priceBook: priceBook(dir),
    liveUpdates: false,
    clock: () => new Date(now),
  });
  const agent = (issueId: string | number, success = true): void => {
    const id = c.startAgent('coding', { issueId });
    c.finalizeAgent({ agentId: id, success });
  };

  c.startIssue(1, { title: 'one' });
  agent(1);
  c.recordTokenUsage({ model: 'test-coder', inputTokens: 500_000, outputTokens: 250_000, issueId: 1 });
  wait(60);
  c.finalizeIssue(1, 'completed', { linesAdded: 10 });

  c.startIssue('b-2', { title: 'two' });
  agent('b-2', false);
  c.recordTokenUsage({ model: 'test-coder', inputTokens: 250_000, outputTokens: 0, issueId: 'b-2' });
  c.recordTokenUsage({ model: 'no-such-model-xyz', inputTokens: 10, outputTokens: 1, issueId: 'b-2' });
  wait(30);
  c.finalizeIssue('b-2', 'failed');

  c.startIssue(5, { title: 'five' });
  wait(10);
  c.finalizeIssue(5, 'failed');

  c.startIssue(3, { title: 'three' });
  wait(5);
  c.finalizeIssue(3, 'skipped');

  c.startIssue(4, { title: 'four' });
  agent(4, false);
  agent(4);
  c.recordTokenUsage({ model: 'test-coder', inputTokens: 0, outputTokens: 250_000, issueId: 4 });
  wait(45);
  c.finalizeIssue(4, 'completed', { linesAdded: 40 });

  c.startIssue(5, { title: 'five, again' });
  agent(5);
  wait(20);
  c.finalizeIssue(5, 'completed', { linesAdded: 3 });

  c.startIssue(6, { title: 'six' });
  c.recordTokenUsage({ model: 'test-coder', inputTokens: 750_000, outputTokens: 0, issueId: 6 });
  wait(1);
  c.finalizeRun('interrupted', 'stopped by a test');
}

const EXPECTED_FINISHED: AnalysisRun['finishedIssues'] = {
  ids: [1, 'b-2', 5, 3, 4],
  outcomes: 'cfcsc',
  firstTimeRight: '10100',
  costUsd: [1, null, 0, 0, 0.5],
  durationMs: [60_000, 30_000, 20_000, 5_000, 45_000],
};

describe("the analyzer's inputs: each finished issue's outcome", () => {
  it('lists the finished issues of a replayed run in first-start order, with outcome, first-time-right, cost (null when unpriced) and duration', async () => {
    const dir = tempDir();
    await recordRun(dir);
    const { runs, replay: report } = await loadAnalysisRuns({ dir });
    expect(report.ok).toBe(true);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.finishedIssues).toEqual(EXPECTED_FINISHED);
    // The string id stays a string, the numbers stay numbers.
    expect(run.finishedIssues.ids.map((id) => typeof id)).toEqual(['number', 'string', 'number', 'number', 'number']);
    // The run-level counts say the same.
    expect(run).toMatchObject({
      status: 'interrupted',
      issues: 6,
      completedIssues: 3,
      failedIssues: 1,
      firstTimeRightIssues: 2,
      complexityCount: 5,
      unpricedRecords: 1,
    });
    // The run's priced cost also holds the unfinished issue's $0.75 and the failed issue's priced $0.25.
    expect(run.costUsd).toBe(1 + 0.25 + 0.5 + 0.75);
  });

  it('is the same in the file as in the live read models, and the same after an incremental replay that appends nothing', async () => {
    const dir = tempDir();
    await recordRun(dir);
    await replay({ dir });
    const before = fs.readFileSync(analysisInputsFile(replayPaths(dir)), 'utf8');
    const line = JSON.parse(before.trim()) as AnalysisRun;
    expect(line.finishedIssues).toEqual(EXPECTED_FINISHED);
    // Compact: five issues are one short object of parallel arrays, not five objects.
    expect(before).toContain(
      '"finishedIssues":{"ids":[1,"b-2",5,3,4],"outcomes":"cfcsc","firstTimeRight":"10100","costUsd":[1,null,0,0,0.5],"durationMs":[60000,30000,20000,5000,45000]}',
    );
    await replay({ dir });
    expect(fs.readFileSync(analysisInputsFile(replayPaths(dir)), 'utf8')).toBe(before);
  });

  it('derived files of an older index version (analyzer lines without finishedIssues) are rebuilt, not kept', async () => {
    const dir = tempDir();
    await recordRun(dir);
    await replay({ dir });
    const paths = replayPaths(dir);
    // What the previous runledger left: fragment and assembled line without finishedIssues, index version 13.
    const strip = (text: string): string => {
      const { finishedIssues: _dropped, ...rest } = JSON.parse(text) as AnalysisRun;
      return `${JSON.stringify(rest)}\n`;
    };
    const fragmentFile = runRowsFile(paths, 'outcomes');
    const fragment = fs.readFileSync(fragmentFile);
    const newline = fragment.indexOf(0x0a);
    const { bytes } = JSON.parse(fragment.toString('utf8', 0, newline)) as { bytes: Record<string, number> };
    let at = newline + 1;
    const parts = ASSEMBLED_FILES.map((file) => {
      const part = fragment.subarray(at, at + bytes[file]!);
      at += bytes[file]!;
      return file === ANALYSIS_FILE ? Buffer.from(strip(part.toString('utf8'))) : part;
    });
    const oldBytes = Object.fromEntries(ASSEMBLED_FILES.map((file, i) => [file, parts[i]!.length]));
    fs.writeFileSync(fragmentFile, Buffer.concat([Buffer.from(`${JSON.stringify({ bytes: oldBytes })}\n`), ...parts]));
    fs.writeFileSync(analysisInputsFile(paths), strip(fs.readFileSync(analysisInputsFile(paths), 'utf8')));
    const index = JSON.parse(fs.readFileSync(paths.index, 'utf8')) as { version: number };
    expect(index.version).toBe(18);
    fs.writeFileSync(paths.index, JSON.stringify({ ...index, version: 13 }));

    const { runs } = await loadAnalysisRuns({ dir });
    expect(runs[0]!.finishedIssues).toEqual(EXPECTED_FINISHED);
  });
});

describe('test/helpers/analysis-runs builds finishedIssues that agree with its counts', () => {
  it('lays issues out as completed (first-time-right first), failed, skipped, unfinished, over ids 1..n or the ids given', () => {
    const run = analysisRun({ issues: 6, completed: 2, failed: 1, skipped: 2, firstTimeRight: 1, costUsd: 0.75, durationMs: 60_000 });
    expect(run.finishedIssues).toEqual({
      ids: [1, 2, 3, 4, 5],
      outcomes: 'ccfss',
      firstTimeRight: '10000',
      costUsd: [0.125, 0.125, 0.125, 0.125, 0.125],
      durationMs: [10_000, 10_000, 10_000, 10_000, 10_000],
    });
    const chosen = analysisRun({
      issues: 3,
      completed: 1,
      issueIds: ['z', 7, 'a'],
      unpricedRecords: 1,
      durationMs: null,
      issueCostUsd: [0.5, null, 0.25],
    });
    expect(chosen.finishedIssues).toEqual({
      ids: ['z', 7, 'a'],
      outcomes: 'cff',
      firstTimeRight: '100',
      costUsd: [0.5, null, 0.25],
      durationMs: [null, null, null],
    });
    expect(analysisRun({ issues: 2, completed: 1, unpricedRecords: 2 }).finishedIssues.costUsd).toEqual([null, null]);
    expect(() => analysisRun({ issues: 2, completed: 1, issueIds: [1] })).toThrow(/issueIds/);
    expect(() => analysisRun({ issues: 2, completed: 1, firstTimeRight: 2 })).toThrow(/first-time-right/);
  });

  it('simulated histories complete issue k when its own draw succeeds, with the run counts to match', () => {
    const random = historyRandom(3);
    for (const run of simulateHistory({ runs: 20, seed: 3, successProbability: () => 0.5 })) {
      const draws = Array.from({ length: 10 }, () => random());
      const completed = draws.flatMap((d, k) => (d < 0.5 ? [k + 1] : []));
      const failed = draws.flatMap((d, k) => (d < 0.5 ? [] : [k + 1]));
      expect(run.finishedIssues.ids).toEqual([...completed, ...failed]);
      expect(run.finishedIssues.outcomes).toBe('c'.repeat(completed.length) + 'f'.repeat(failed.length));
      expect([run.completedIssues, run.failedIssues]).toEqual([completed.length, failed.length]);
    }
  });
});
