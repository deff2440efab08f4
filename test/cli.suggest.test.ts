import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { loadAnalysisRuns } from '../replay/load-analysis-runs.js';
import { suggestRuns } from '../src/analysis/index.js';
import { MetricsCollector } from '../src/index.js';
import { CLI, ROOT, runNode } from './helpers/child.js';

/**
 * `runledger suggest` of the built CLI on runs recorded with MetricsCollector: two close gpt-4o
 * temperatures, deepseek-chat clearly behind, acme-coder-local unpriced. Its --json must equal
 * suggestRuns on the same runs; --emit-env lines must give back each configuration through a
 * shell and configFromEnv.
 */

const PLAN = [
  { model: 'gpt-4o', provider: 'openai', temperature: 0.2, completed: [8, 9, 8, 9] },
  { model: 'gpt-4o', provider: 'openai', temperature: 0.7, completed: [9, 8, 8, 8] },
  { model: 'deepseek-chat', provider: 'deepseek', temperature: 0.2, completed: [2, 3, 2, 2] },
  { model: 'acme-coder-local', provider: 'acme', temperature: 0.2, completed: [8, 8, 9, 8] },
] as const;
const ISSUES = 10;

let dir: string;
let runs: AnalysisRun[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runledger-suggest-cli-'));
  let n = 0;
  for (const { model, provider, temperature, completed } of PLAN) {
    for (const done of completed) {
      const c = await MetricsCollector.start({
        dir,
        projectId: 'suggest-cli',
        runId: `run-${(n += 1)}`,
        config: { llm: { provider, model, temperature }, maxRetries: 3 },
        handleSignals: false,
        prices: null,
        liveUpdates: false,
      });
      for (let issue = 1; issue <= ISSUES; issue += 1) {
        c.startIssue(issue, { title: `issue ${issue}` });
        const agent = c.startAgent('coding');
        c.recordTokenUsage({ model, provider, inputTokens: 2000 + 100 * issue, outputTokens: 400 });
        const ok = issue <= done;
        c.finalizeAgent({ agentId: agent, success: ok });
        c.finalizeIssue(issue, ok ? 'completed' : 'failed');
      }
      c.finalizeRun('completed');
    }
  }
  runs = (await loadAnalysisRuns({ dir })).runs;
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runNode([CLI, ...args, '--dir', dir]);
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('runledger suggest', () => {
  it('--json equals suggestRuns: the runs go to the two close gpt-4o temperatures, none to deepseek-chat', async () => {
    const result = await cli('suggest', '--runs', '8', '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as ReturnType<typeof suggestRuns>;
    expect(json).toEqual(asJson(suggestRuns(runs, { runs: 8 })));
    expect(json.by).toEqual(['llm.model', 'llm.provider', 'llm.temperature']);
    const runsOf = (model: string, temperature: number): number =>
      json.allocation.find((a) => a.values['llm.model'] === model && a.values['llm.temperature'] === temperature)!.runs;
    expect(runsOf('deepseek-chat', 0.2)).toBe(0);
    expect(runsOf('gpt-4o', 0.2) + runsOf('gpt-4o', 0.7) + runsOf('acme-coder-local', 0.2)).toBe(8);
    for (const a of json.allocation) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['values', 'runs', 'probabilityBest', 'probabilityBestAfter']));
    }
  });

  it('prints the table, the why of each configuration and the model', async () => {
    const result = await cli('suggest', '--runs', '8', '--by', 'llm.model');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('What to run next (by success rate)');
    expect(result.stdout).toMatch(/deepseek-chat +0 .*behind gpt-4o by \d+\.\d pp with probability > 0\.99: no more runs for it/);
    expect(result.stdout).toMatch(/Model: each configuration's success rate has the prior Beta\(1, 1\)/);
  });

  it('--emit-env prints one line per suggested run that a shell and configFromEnv turn back into the configuration', async () => {
    const result = await cli('suggest', '--runs', '5', '--emit-env');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const planned = suggestRuns(runs, { runs: 5 }).allocation.flatMap((a) => Array.from({ length: a.runs }, () => a.values));
    const script = `import(${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))}).then((m) => console.log(JSON.stringify(m.configFromEnv(process.env))))`;
    lines.forEach((line, i) => {
      const shell = spawnSync('bash', ['-c', 'eval "export $1"; exec "$2" -e "$3"', 'bash', line, process.execPath, script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
      expect(shell.status, shell.stderr).toBe(0);
      const config = JSON.parse(shell.stdout) as { llm: Record<string, unknown> };
      expect({ 'llm.model': config.llm.model, 'llm.provider': config.llm.provider, 'llm.temperature': config.llm.temperature }).toEqual(
        planned[i],
      );
    });
  });

  it('--budget buys what fits at the 95% bound of the cost; the unpriced configuration gets no run, and says why', async () => {
    const result = await cli('suggest', '--budget', '0.2', '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as ReturnType<typeof suggestRuns>;
    expect(json.budgetUsd).toBe(0.2);
    expect(json.cost!.upperUsd).toBeLessThanOrEqual(0.2);
    expect(json.totalRuns).toBeGreaterThan(0);
    const acme = json.allocation.find((a) => a.values['llm.model'] === 'acme-coder-local')!;
    expect(acme.runs).toBe(0);
    expect(acme.why).toContain('no cost figures (no fully priced run)');
  });

  it('--include adds a configuration never run, judged from the prior', async () => {
    const result = await cli('suggest', '--by', 'llm.model', '--include', 'llm.model=claude-sonnet-4', '--json');
    expect(result.code, result.stderr).toBe(0);
    const claude = (JSON.parse(result.stdout) as ReturnType<typeof suggestRuns>).allocation.find((a) => a.label === 'claude-sonnet-4')!;
    expect(claude.included).toBe(true);
    expect(claude.runsSoFar).toBe(0);
  });

  it('refuses bad usage with exit 2 and says what was wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--runs', '0'], /--runs "0" is not a whole number from 1 to 10000/],
      [['--runs', '3', '--budget', '2'], /give --runs or --budget, not both/],
      [['--budget', 'ten'], /--budget "ten" is not a positive amount of USD/],
      [['--objective', 'speed'], /--objective "speed" is not one of success, cost-per-success, score/],
      [['--emit-env', '--json'], /--emit-env prints shell assignments; it cannot be combined with --json/],
      [['--include', 'llm.model'], /"llm.model" is not key=value/],
      [['--by', 'llm.model', '--include', 'llm.model=gpt-4o'], /include gpt-4o: that configuration has runs already/],
    ];
    for (const [args, message] of cases) {
      const result = await cli('suggest', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });
});
