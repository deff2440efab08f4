import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { loadAnalysisRuns } from '../replay/load-analysis-runs.js';
import {
  analysisReport,
  bestConfiguration,
  compareConfigurations,
  costEfficiency,
  parameterInfluence,
  performanceTrends,
} from '../src/analysis/index.js';
import { MetricsCollector } from '../src/index.js';
import { CLI, runNode } from './helpers/child.js';

/**
 * The built CLI (`node dist/src/cli/main.js`) on runs recorded for real with MetricsCollector:
 * 3 models × 4 runs × 5 issues. deepseek-chat and gpt-4o are priced by the bundled price table,
 * acme-coder-local has no price. Every --json answer must equal what the library functions give
 * for the same runs (loadAnalysisRuns + the function), number for number.
 */

const MODELS = [
  { model: 'deepseek-chat', provider: 'deepseek', completed: [4, 5, 4, 3] },
  { model: 'gpt-4o', provider: 'openai', completed: [5, 5, 4, 5] },
  { model: 'acme-coder-local', provider: 'acme', completed: [2, 3, 1, 2] },
] as const;

let dir: string;
let runs: AnalysisRun[];
const made: string[] = [];

function scratch(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

async function record(into: string): Promise<void> {
  for (const { model, provider, completed } of MODELS) {
    for (let r = 0; r < 4; r += 1) {
      const c = await MetricsCollector.start({
        dir: into,
        projectId: 'analysis-cli',
        runId: `${model}-${r}`,
        config: { llm: { provider, model, temperature: r < 2 ? 0.2 : 0.7 }, maxRetries: 3 },
        handleSignals: false,
        prices: null,
        liveUpdates: false,
      });
      for (let issue = 1; issue <= 5; issue += 1) {
        c.startIssue(issue, { title: `issue ${issue}` });
        const agent = c.startAgent('coding');
        c.recordTokenUsage({ model, provider, inputTokens: 1000 * issue + 100 * r, outputTokens: 300 + 10 * issue });
        const ok = issue <= completed[r]!;
        c.finalizeAgent({ agentId: agent, success: ok });
        c.finalizeIssue(issue, ok ? 'completed' : 'failed', { linesAdded: 40 * issue });
      }
      c.finalizeRun('completed');
    }
  }
}

beforeAll(async () => {
  dir = scratch('runledger-analysis-cli-');
  await record(dir);
  runs = (await loadAnalysisRuns({ dir })).runs;
});

afterAll(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function cli(...args: string[]) {
  return runNode([CLI, ...args]);
}

/** Runs a command with --json; asserts exit 0 and parses stdout. */
async function cliJson(...args: string[]): Promise<unknown> {
  const result = await cli(...args, '--dir', dir, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

/** What the library gives, as it reads after a trip through JSON. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const RATE = /\d+\.\d%/g;
const RATE_WITH_INTERVAL = /\d+\.\d%\s\[\d+\.\d–\d+\.\d\]/g;

describe('analysis commands of the built CLI on recorded runs', () => {
  it('recorded 12 finished runs: deepseek-chat and gpt-4o priced, acme-coder-local unpriced', () => {
    expect(runs).toHaveLength(12);
    for (const run of runs) {
      expect(run.status).toBe('completed');
      expect(run.issues).toBe(5);
      if (run.config.llm.model === 'acme-coder-local') {
        expect(run.unpricedRecords).toBe(5);
        expect(run.unpricedModels).toEqual(['acme-coder-local']);
      } else {
        expect(run.unpricedRecords).toBe(0);
        expect(run.costUsd).toBeGreaterThan(0);
      }
    }
  });

  it('compare --by llm.model --json equals compareConfigurations', async () => {
    const json = (await cliJson('compare', '--by', 'llm.model')) as {
      groups: Array<{
        label: string;
        runs: number;
        issues: number;
        completedIssues: number;
        unpricedRuns: string[];
        costPerSuccessfulIssue: unknown;
      }>;
    };
    expect(json).toEqual(asJson(compareConfigurations(runs, { by: ['llm.model'] })));
    expect(json.groups.map((g) => [g.label, g.runs, g.issues, g.completedIssues]).sort()).toEqual([
      ['acme-coder-local', 4, 20, 8],
      ['deepseek-chat', 4, 20, 16],
      ['gpt-4o', 4, 20, 19],
    ]);
    const acme = json.groups.find((g) => g.label === 'acme-coder-local')!;
    expect(acme.unpricedRuns).toHaveLength(4);
    expect(acme.costPerSuccessfulIssue).toBeNull();
  });

  it('compare --by llm.model,llm.temperature --baseline "gpt-4o, 0.7" --json equals compareConfigurations', async () => {
    const json = (await cliJson('compare', '--by', 'llm.model,llm.temperature', '--baseline', 'gpt-4o, 0.7')) as {
      baseline: string;
      groups: Array<{ label: string }>;
    };
    expect(json).toEqual(asJson(compareConfigurations(runs, { by: ['llm.model', 'llm.temperature'], baseline: 'gpt-4o, 0.7' })));
    expect(json.baseline).toBe('gpt-4o, 0.7');
    expect(json.groups).toHaveLength(6);
  });

  it('compare --metric cost and --seed give what the library gives with the same options', async () => {
    const json = await cliJson('compare', '--by', 'llm.model', '--metric', 'cost', '--seed', '7', '--resamples', '500');
    expect(json).toEqual(asJson(compareConfigurations(runs, { by: ['llm.model'], metric: 'cost', seed: 7, resamples: 500 })));
  });

  it('influence --json equals parameterInfluence', async () => {
    const json = (await cliJson('influence')) as { keys: Array<{ keys: string[]; confounded: boolean }>; constantKeys: string[] };
    expect(json).toEqual(asJson(parameterInfluence(runs)));
    expect(json.keys.map((k) => k.keys)).toContainEqual(['llm.model', 'llm.provider']);
    expect(json.constantKeys).toEqual(['maxRetries']);
  });

  it('cost --json equals costEfficiency and names the unpriced runs with their model', async () => {
    const json = (await cliJson('cost')) as { unpricedRuns: Array<{ runId: string; models: string[] }>; mostEfficient: string[] };
    expect(json).toEqual(asJson(costEfficiency(runs)));
    expect(json.unpricedRuns.map((r) => r.runId).sort()).toEqual([
      'acme-coder-local-0',
      'acme-coder-local-1',
      'acme-coder-local-2',
      'acme-coder-local-3',
    ]);
    expect(json.unpricedRuns.every((r) => r.models.join() === 'acme-coder-local')).toBe(true);
    expect(json.mostEfficient).toEqual(['deepseek-chat']);
  });

  it('trends --json equals performanceTrends, also with --last 6', async () => {
    expect(await cliJson('trends')).toEqual(asJson(performanceTrends(runs)));
    const last = (await cliJson('trends', '--last', '6')) as { runs: number; lastN: number };
    expect(last).toEqual(asJson(performanceTrends(runs, { lastN: 6 })));
    expect(last).toMatchObject({ runs: 6, lastN: 6 });
  });

  it('best --json equals bestConfiguration, by every varying key and --by llm.model', async () => {
    expect(await cliJson('best')).toEqual(asJson(bestConfiguration(runs)));
    const byModel = (await cliJson('best', '--by', 'llm.model')) as {
      verdict: string;
      leader: { label: string; insufficientSample: string | null } | null;
      best: { label: string } | null;
      contenders: string[];
      insufficientGroups: string[];
      bestRun: { runId: string; config: { llm: { model: string } } } | null;
    };
    expect(byModel).toEqual(asJson(bestConfiguration(runs, { by: ['llm.model'] })));
    // 4 runs of 5 issues per model: every model has enough data, so every one is judged
    expect(byModel.insufficientGroups).toEqual([]);
    expect(byModel.leader!.insufficientSample).toBeNull();
    // Three models at 4 runs each cannot be separated: the leader is not crowned, and no run is named.
    expect(byModel.verdict).toBe('no-clear-winner');
    expect(byModel.contenders).toContain(byModel.leader!.label);
    expect(byModel.best).toBeNull();
    expect(byModel.bestRun).toBeNull();
  });

  it('report --format json prints and writes <dir>/analysis.json equal to analysisReport', async () => {
    const result = await cli('report', '--dir', dir, '--format', 'json');
    expect(result.code, result.stderr).toBe(0);
    const expected = asJson(analysisReport(runs));
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'analysis.json'), 'utf8'))).toEqual(expected);
  });

  it('report writes <dir>/analysis.txt by default, the same text it prints', async () => {
    const file = path.join(dir, 'analysis.txt');
    fs.rmSync(file, { force: true });
    const result = await cli('report', '--dir', dir);
    expect(result.code, result.stderr).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(result.stdout);
    expect(result.stderr).toContain(file);
    expect(result.stdout).toContain('runledger analysis');
    expect(result.stdout).toContain('12 runs (12 completed) from ');
    expect(result.stdout).toContain('(2000 resamples, seed 1)');
    for (const title of [
      'Comparison by llm.model',
      'Comparison by llm.temperature',
      'Which parameters matter',
      'Cost efficiency by llm.model',
      'Trends over all runs',
      'Best configuration',
    ]) {
      expect(result.stdout).toContain(title);
    }
    expect(result.stdout).toMatch(RATE_WITH_INTERVAL);
  });

  it('report --format md --out FILE writes Markdown there and nothing to the default place', async () => {
    const other = scratch('runledger-analysis-out-');
    const out = path.join(other, 'my-report.md');
    fs.rmSync(path.join(dir, 'analysis.md'), { force: true });
    const result = await cli('report', '--dir', dir, '--format', 'md', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toBe(result.stdout);
    expect(text.startsWith('# runledger analysis\n')).toBe(true);
    expect(text).toContain('## Comparison by llm.model');
    expect(text).toMatch(/^\| # \| llm\.model \|/m);
    expect(fs.existsSync(path.join(dir, 'analysis.md'))).toBe(false);
  });

  it('prints an interval beside every rate in the text of compare, cost and best', async () => {
    const compare = await cli('compare', '--by', 'llm.model,llm.temperature', '--dir', dir);
    expect(compare.code, compare.stderr).toBe(0);
    const rates = compare.stdout.match(RATE) ?? [];
    expect(rates.length).toBeGreaterThanOrEqual(18); // 6 groups × issue success, run success, first-time-right
    expect((compare.stdout.match(RATE_WITH_INTERVAL) ?? []).length).toBe(rates.length);

    const best = await cli('best', '--by', 'llm.model', '--dir', dir);
    expect(best.code, best.stderr).toBe(0);
    const table = best.stdout.split('\n\n')[0]!; // the table; the sentences under it follow a blank line
    expect((table.match(RATE) ?? []).length).toBe(3);
    expect((table.match(RATE_WITH_INTERVAL) ?? []).length).toBe(3);

    const cost = await cli('cost', '--dir', dir);
    expect(cost.code, cost.stderr).toBe(0);
    expect(cost.stdout).toMatch(/\$\d[\d.]*\s\[\$\d[\d.]*–\$\d[\d.]*\]/); // costs carry their interval too
    expect(cost.stdout).toContain('acme-coder-local-0 (acme-coder-local)');
  });

  it('prints the bootstrap seed under every analysis: the one default, or the one given', async () => {
    for (const command of [['compare', '--by', 'llm.model'], ['influence'], ['cost'], ['trends'], ['best']]) {
      const result = await cli(...command, '--dir', dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trimEnd().split('\n').at(-1), command[0]).toBe(
        'Bootstrap: 2000 resamples, seed 1 (the default; --seed N to change it): the same seed and runs give the same intervals.',
      );
    }
    const seeded = await cli('compare', '--by', 'llm.model', '--seed', '7', '--resamples', '500', '--dir', dir);
    expect(seeded.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Bootstrap: 500 resamples, seed 7: the same seed and runs give the same intervals.',
    );
  });

  it('prints an interval beside every rate of the comparison tables in the report', async () => {
    const result = await cli('report', '--dir', dir, '--out', path.join(scratch('runledger-analysis-txt-'), 'r.txt'));
    expect(result.code, result.stderr).toBe(0);
    const comparisons = result.stdout.split(/\n(?=Which parameters matter\n)/)[0]!;
    const rates = comparisons.match(RATE) ?? [];
    expect(rates.length).toBeGreaterThanOrEqual(9 + 6);
    expect((comparisons.match(RATE_WITH_INTERVAL) ?? []).length).toBe(rates.length);
  });
});

describe('usage errors of the analysis commands exit 2 and name the bad value', () => {
  it('an unknown --metric', async () => {
    const result = await cli('compare', '--by', 'llm.model', '--metric', 'fastest', '--dir', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('fastest');
    expect(result.stdout).toBe('');
  });

  it('a --baseline that is not a group, listing the groups', async () => {
    const result = await cli('compare', '--by', 'llm.model', '--baseline', 'gpt-5', '--dir', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gpt-5');
    for (const label of ['deepseek-chat', 'gpt-4o', 'acme-coder-local']) expect(result.stderr).toContain(label);
  });

  it('--last 0', async () => {
    for (const command of ['trends', 'report']) {
      const result = await cli(command, '--last', '0', '--dir', dir, '--json');
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toContain('--last "0"');
    }
  });

  it('compare without --by', async () => {
    const result = await cli('compare', '--dir', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--by');
  });

  it('an unknown report --format', async () => {
    const result = await cli('report', '--format', 'pdf', '--dir', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pdf');
  });

  it('are refused before anything is written: a bad --last, --seed or --resamples leaves a fresh --dir uncreated', async () => {
    const parent = scratch('runledger-analysis-usage-');
    const cases: string[][] = [
      ['trends', '--last', '0'],
      ['report', '--last', '0'],
      ['compare', '--by', 'llm.model', '--seed', 'x'],
      ['influence', '--resamples', '0'],
    ];
    const created: string[] = [];
    for (const [i, args] of cases.entries()) {
      const fresh = path.join(parent, `logs-${i}`);
      const result = await cli(...args, '--dir', fresh);
      expect(result.code, args.join(' ')).toBe(2);
      if (fs.existsSync(fresh)) created.push(`${args.join(' ')} created ${fs.readdirSync(fresh).join(', ')}`);
    }
    expect(created).toEqual([]);
  });
});
