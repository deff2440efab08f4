import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aiderIssueId } from '../src/import/formats/aider.js';
import { reportedCost } from '../src/import/formats/reported-cost.js';
import type { JournalLine } from './helpers/child.js';
import { copyFixture, importJson, runJournal } from './helpers/imports.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * aider's benchmark run folder (benchmark/benchmark.py writes one .aider.results.json per exercise):
 * one run, one issue per exercise, one coder attempt per try, tokens and aider's own cost, error
 * counts, durations as aider measured them, times from the files.
 */

const ofType = (lines: readonly JournalLine[], type: string, issueId?: string) =>
  lines.filter((l) => l.type === type && (issueId === undefined || l.data.issueId === issueId));

/** Imports a copy of a fixture run whose results files all carry the modification time `mtime`. */
async function importCopy(fixture: string, mtime: Date) {
  const source = copyFixture(`aider/${fixture}`, tempDir());
  for (const file of fs.readdirSync(source, { recursive: true, encoding: 'utf8' }))
    if (file.endsWith('.aider.results.json')) fs.utimesSync(path.join(source, file), mtime, mtime);
  const dir = tempDir();
  const { code, report } = await importJson('aider', [source], dir);
  expect(code).toBe(0);
  return { dir, source, runId: report.runs[0]!.runId, lines: runJournal(dir, report.runs[0]!.runId) };
}

describe('runledger import aider', () => {
  it('makes one issue per exercise with test outcomes, named by language and exercise; skips exercises without outcomes', async () => {
    const { lines } = await importCopy('2026-01-11-09-30-00--gpt-4o-whole', new Date('2026-01-11T10:00:00Z'));
    const issues = ofType(lines, 'IssueStarted').map((l) => l.data);
    expect(issues.map((i) => i.issueId)).toEqual([
      'go.book-store',
      'javascript.react',
      'python.bowling',
      'python.grep',
      'python.two-fer',
      'rust.acronym',
    ]);
    expect(issues[0]).toEqual({ issueId: 'go.book-store', title: 'book-store', labels: ['go'] });
    const source = (lines[0]!.data.config as { source: Record<string, unknown> }).source;
    // python/zipper was written with tests_outcomes: [] (no test ran): skipped, and counted as such.
    expect(source).toMatchObject({ exercises: 6, skippedWithoutOutcomes: 1 });
  });

  it('maps tries to coder attempts: first-time-right only when the first try passed', async () => {
    const { lines } = await importCopy('2026-01-11-09-30-00--gpt-4o-whole', new Date('2026-01-11T10:00:00Z'));
    // python.grep: tests_outcomes [false, true] → two attempts, completed, not first time right.
    expect(ofType(lines, 'AgentStarted', 'python.grep').map((l) => l.data.attempt)).toEqual([1, 2]);
    expect(ofType(lines, 'AgentFinished', 'python.grep').map((l) => [l.data.success, l.data.durationMs])).toEqual([
      [false, null],
      [true, null],
    ]);
    expect(ofType(lines, 'IssueFinished', 'python.grep')[0]!.data.status).toBe('completed');
    // go.book-store: [false, false] → failed.
    expect(ofType(lines, 'IssueFinished', 'go.book-store')[0]!.data.status).toBe('failed');
    // python.two-fer: [true] → one attempt, completed.
    expect(ofType(lines, 'AgentStarted', 'python.two-fer')).toHaveLength(1);
    expect(ofType(lines, 'IssueFinished', 'python.two-fer')[0]!.data.status).toBe('completed');
  });

  it("keeps aider's cost as reported cost, prices the tokens, and has no reported cost where aider wrote none", async () => {
    const { lines } = await importCopy('2026-01-11-09-30-00--gpt-4o-whole', new Date('2026-01-11T10:00:00Z'));
    const twoFer = ofType(lines, 'TokensUsed', 'python.two-fer')[0]!.data;
    // Fixture: two-fer is exercise 0 of the whole run: 1500 prompt, 300 completion tokens, cost 0.02.
    expect(twoFer).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      provider: null,
      inputTokens: 1500,
      outputTokens: 300,
      reportedCostUsd: 0.02,
    });
    expect(twoFer.priceSource).toMatchObject({ kind: 'package' });
    // gpt-4o-2024-08-06 costs $2.50 / $10 per million input / output tokens.
    expect((twoFer.cost as { totalUsd: number }).totalUsd).toBeCloseTo((1500 * 2.5 + 300 * 10) / 1e6, 10);
    // bowling's results have no "cost" key: no reported cost, the priced tokens only.
    const bowling = ofType(lines, 'TokensUsed', 'python.bowling')[0]!.data;
    expect(bowling).not.toHaveProperty('reportedCostUsd');
    expect(bowling.cost).not.toBeNull();
  });

  it('reads a cost of 0 for tokens as unknown, never as free', () => {
    expect(reportedCost(0, 1200)).toBeNull();
    expect(reportedCost(0, null)).toBeNull();
    expect(reportedCost(0, 0)).toBe(0);
    expect(reportedCost(0.31, 1200)).toBe(0.31);
    expect(reportedCost(null, 1200)).toBeNull();
  });

  it('records error counts, a crashed exercise, durations as aider measured them and times from the files', async () => {
    const end = new Date('2026-01-10T12:00:00Z');
    const { lines } = await importCopy('2026-01-10-09-30-00--gpt-4o-diff', end);
    // python.grep (exercise 2 of the diff run) had num_error_outputs 1; go.book-store num_malformed_responses 1.
    expect(ofType(lines, 'ErrorRecorded', 'python.grep').map((l) => l.data.kind)).toEqual(['error-output']);
    expect(ofType(lines, 'ErrorRecorded', 'go.book-store').map((l) => l.data.kind)).toEqual(['malformed-response']);
    // python.zipper holds only {exception: traceback}: failed, with the exception as an error, no attempt.
    const zipper = ofType(lines, 'ErrorRecorded', 'python.zipper')[0]!.data;
    expect(zipper).toMatchObject({ kind: 'exception', recoverable: false });
    expect(zipper.message).toContain('RuntimeError: boom');
    expect(ofType(lines, 'IssueFinished', 'python.zipper')[0]!.data).toMatchObject({ status: 'failed', durationMs: null });
    expect(ofType(lines, 'AgentStarted', 'python.zipper')).toEqual([]);

    // python.two-fer (exercise 0): duration 10.5 s; it ends at the file's time and starts 10.5 s before.
    const started = ofType(lines, 'IssueStarted', 'python.two-fer')[0]!;
    const finished = ofType(lines, 'IssueFinished', 'python.two-fer')[0]!;
    expect(finished.data.durationMs).toBe(10_500);
    expect(finished.ts).toBe(end.toISOString());
    expect(started.ts).toBe(new Date(end.getTime() - 10_500).toISOString());
    // All files end at the same time, so the run starts with the longest exercise (react, 15.5 s); aider measured no run duration.
    expect(lines[0]!.ts).toBe(new Date(end.getTime() - 15_500).toISOString());
    expect(lines.at(-1)!.data).toEqual({ status: 'completed', durationMs: null, reason: null });
  });

  it('names exercises in the polyglot and the older Python-only layouts', () => {
    expect(aiderIssueId('/b/run', '/b/run/cpp/exercises/practice/all-your-base/.aider.results.json')).toBe('cpp.all-your-base');
    expect(aiderIssueId('/b/run', '/b/run/two_fer/.aider.results.json')).toBe('two_fer');
  });

  it('refuses a folder whose exercises ran different models: one folder is one configuration', async () => {
    const source = copyFixture('aider/2026-01-10-09-30-00--gpt-4o-diff', tempDir());
    const file = path.join(source, 'rust/exercises/practice/acronym/.aider.results.json');
    const results = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...results, model: 'claude-3-5-sonnet-20241022' }, null, 4));
    const dir = tempDir();
    const { code, report } = await importJson('aider', [source], dir);
    expect(code).toBe(1);
    expect(report.refused[0]!.message).toContain(`${file}: model claude-3-5-sonnet-20241022 with edit format diff`);
  });
});
