import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runNode, type JournalLine } from './helpers/child.js';
import { importJson, IMPORT_FIXTURES, runFolders, runJournal } from './helpers/imports.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * aider's leaderboard YAML (aider/website/_data/polyglot_leaderboard.yml): one run per entry, its
 * issues synthesized from the pass counts (marked, and never paired with another run's), a
 * total_cost of 0 read as unknown.
 */

const LEADERBOARD = path.join(IMPORT_FIXTURES, 'aider-leaderboard/polyglot_leaderboard.yml');

async function imported() {
  const dir = tempDir();
  const { code, report } = await importJson('aider-leaderboard', [LEADERBOARD], dir);
  expect(code).toBe(0);
  const byEntry = new Map<string, { runId: string; lines: JournalLine[] }>();
  for (const run of report.runs) {
    const lines = runJournal(dir, run.runId);
    const config = lines[0]!.data.config as { benchmarkRun: string };
    byEntry.set(config.benchmarkRun, { runId: run.runId, lines });
  }
  return { dir, report, byEntry };
}

const outcomes = (lines: readonly JournalLine[]) => {
  const finished = lines.filter((l) => l.type === 'IssueFinished');
  const attemptsOf = (issueId: unknown) => lines.filter((l) => l.type === 'AgentStarted' && l.data.issueId === issueId).length;
  return {
    issues: finished.length,
    completed: finished.filter((l) => l.data.status === 'completed').length,
    firstTry: finished.filter((l) => l.data.status === 'completed' && attemptsOf(l.data.issueId) === 1).length,
  };
};

describe('runledger import aider-leaderboard', () => {
  it('makes one run per entry with the entry’s model, edit format, versions and command in the config', async () => {
    const { report, byEntry } = await imported();
    expect(report.runs).toHaveLength(4);
    const sonnet = byEntry.get('2025-01-17-19-44-33--sonnet-baseline-jan-17')!;
    expect(sonnet.lines[0]!.data.config).toMatchObject({
      llm: { model: 'claude-3-5-sonnet-20241022' },
      editFormat: 'diff',
      agent: 'aider',
      aiderVersion: '0.71.2.dev',
      aiderCommit: '6451d59',
      command: 'aider --model sonnet',
      source: {
        format: 'aider-leaderboard',
        file: LEADERBOARD,
        entry: '2025-01-17-19-44-33--sonnet-baseline-jan-17',
        line: 80,
        synthesizedIssues: true,
      },
    });
    // The start time is the run folder's name, the date aider wrote into dirname.
    expect(sonnet.lines[0]!.ts).toBe('2025-01-17T19:44:33.000Z');
  });

  it('synthesizes test_cases issues: pass_num_1 at the first try, pass_num_2 − pass_num_1 at the second, the rest failed', async () => {
    const { byEntry } = await imported();
    // Fixture: test_cases 20, pass_num_1 4, pass_num_2 10.
    expect(outcomes(byEntry.get('2025-01-17-19-44-33--sonnet-baseline-jan-17')!.lines)).toEqual({ issues: 20, completed: 10, firstTry: 4 });
    // test_cases 20, pass_num_1 1, pass_num_2 3.
    expect(outcomes(byEntry.get('2024-12-21-18-41-18--polyglot-gpt-4o-mini')!.lines)).toEqual({ issues: 20, completed: 3, firstTry: 1 });
    const started = byEntry.get('2024-12-21-18-41-18--polyglot-gpt-4o-mini')!.lines.find((l) => l.type === 'IssueStarted')!;
    expect(started.data.labels).toEqual(['synthesized']);
  });

  it('never pairs synthesized issues: two entries share no issue id', async () => {
    const { dir, byEntry } = await imported();
    const ids = [...byEntry.values()].map(
      ({ lines }) => new Set(lines.filter((l) => l.type === 'IssueStarted').map((l) => l.data.issueId)),
    );
    for (const [i, a] of ids.entries()) for (const b of ids.slice(i + 1)) expect([...a].filter((id) => b.has(id))).toEqual([]);
    const compare = await runNode([CLI, 'compare', '--by', 'llm.model', '--json', '--dir', dir]);
    const groups = (JSON.parse(compare.stdout) as { groups: Array<{ versusBaseline: { test: string; sharedIssues: number } | null }> })
      .groups;
    for (const group of groups.filter((g) => g.versusBaseline !== null)) {
      expect(group.versusBaseline!.sharedIssues).toBe(0);
      expect(group.versusBaseline!.test).not.toBe('mcnemar-exact');
    }
  });

  it('reads total_cost 0 as unknown, keeps a real total_cost as reported cost, and prices tokens where the entry has them', async () => {
    const { byEntry } = await imported();
    const tokens = (entry: string) => byEntry.get(entry)!.lines.find((l) => l.type === 'TokensUsed')!.data;
    // total_cost: 0.0000 → a record of unknown cost, never $0.
    const zero = tokens('2025-02-25-20-23-07--gemini-pro');
    expect(zero).toMatchObject({ cost: null, priceSource: { kind: 'none' }, inputTokens: 0 });
    expect(zero).not.toHaveProperty('reportedCostUsd');
    expect(tokens('2024-12-21-18-41-18--polyglot-gpt-4o-mini')).toMatchObject({ reportedCostUsd: 0.3236 });
    // No total_cost but prompt and completion tokens: priced from the price book.
    const priced = tokens('2025-04-12-04-55-50--gemini-25-pro-diff-fenced');
    expect(priced).toMatchObject({ inputTokens: 120000, outputTokens: 45000 });
    expect(priced).not.toHaveProperty('reportedCostUsd');
  });

  it('refuses an entry whose counts cannot be, naming its line, and writes no entry of that file', async () => {
    const dir = tempDir();
    const { code, report } = await importJson(
      'aider-leaderboard',
      [path.join(IMPORT_FIXTURES, 'aider-leaderboard/broken_leaderboard.yml')],
      dir,
    );
    expect(code).toBe(1);
    expect(report.refused[0]!.message).toContain('broken_leaderboard.yml:8: pass counts 9 (first try) and 3 (last try) of 20 cases');
    expect(runFolders(dir)).toEqual([]);
  });
});
