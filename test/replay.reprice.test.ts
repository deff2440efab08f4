import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnalysisRuns } from '../replay/load-analysis-runs.js';
import { startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const CLI = path.resolve('dist/src/cli/main.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

/** A run whose second issue used a model the table lacks, and a price file added afterwards that prices it. */
async function recordAndAddPrice(): Promise<{ dir: string; prices: string; journal: string }> {
  const dir = tempDir();
  // 20:00 UTC: deepseek-chat's off-peak price, $0.135 / $0.55 per million: 1000 in + 100 out = $0.00019.
  const c = await startRun(dir, { runId: 'old-run', clock: () => new Date('2026-11-01T20:00:00Z') });
  c.startIssue(1);
  c.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000, outputTokens: 100 });
  c.finalizeIssue(1, 'completed');
  c.startIssue(2);
  c.recordTokenUsage({ model: 'acme-9000', inputTokens: 2000, outputTokens: 500 });
  c.finalizeIssue(2, 'completed');
  c.finalizeRun('completed');
  const prices = path.join(tempDir(), 'prices.json');
  fs.writeFileSync(prices, JSON.stringify({ models: { 'acme-9000': { input: 2, output: 8 } } }));
  return { dir, prices, journal: path.join(dir, 'runs', 'old-run', 'events.ndjson') };
}

describe('--prices-as current: re-pricing old runs as a projection', () => {
  it("prices every token record with today's table plus the override file, keeps the recorded figures, and never touches the journal", async () => {
    const { dir, prices, journal } = await recordAndAddPrice();
    const before = fs.readFileSync(journal);
    const [recorded] = (await loadAnalysisRuns({ dir })).runs;
    expect(recorded).toMatchObject({ unpricedRecords: 1, unpricedModels: ['acme-9000'] });
    expect(recorded!.repriced).toBeUndefined();
    expect(recorded!.finishedIssues.costUsd[1]).toBeNull();

    const [current] = (await loadAnalysisRuns({ dir, pricesAs: 'current', prices })).runs;
    // acme-9000 now: 2000 × $2 + 500 × $8 per million = $0.008.
    expect(current!.costUsd).toBeCloseTo(0.00019 + 0.008, 12);
    expect(current).toMatchObject({ unpricedRecords: 0, unpricedTokens: 0, unpricedModels: [] });
    expect(current!.finishedIssues.costUsd[0]).toBeCloseTo(0.00019, 12);
    expect(current!.finishedIssues.costUsd[1]).toBeCloseTo(0.008, 12);
    expect(current!.repriced).toMatchObject({
      pricesAs: 'current',
      table: { package: '@pydantic/genai-prices', overrideFile: path.resolve(prices) },
      recorded: { unpricedRecords: 1, unpricedTokens: 2500, unpricedModels: ['acme-9000'] },
    });
    expect(current!.repriced!.recorded.costUsd).toBeCloseTo(0.00019, 12);
    expect(fs.readFileSync(journal).equals(before)).toBe(true);
  });

  it('runs --prices-as current --json shows both figures; the text says how it was priced; a wrong value is refused', async () => {
    const { dir, prices } = await recordAndAddPrice();
    const [run] = JSON.parse(cli('runs', '--dir', dir, '--prices-as', 'current', '--prices', prices, '--json').stdout);
    expect(run.costUsd).toBeCloseTo(0.00819, 12);
    expect(run.repriced.recorded.costUsd).toBeCloseTo(0.00019, 12);
    const text = cli('runs', '--dir', dir, '--prices-as', 'current', '--prices', prices).stdout;
    expect(text).toContain(`Costs priced with today's price table and ${prices} (--prices-as current), not as recorded`);
    expect(text).toMatch(/old-run\s+completed.*\$0\.0082/);
    const cost = cli('cost', '--dir', dir, '--prices-as', 'current', '--prices', prices, '--json');
    expect(JSON.parse(cost.stdout).unpricedRuns).toEqual([]);
    expect(JSON.parse(cli('cost', '--dir', dir, '--json').stdout).unpricedRuns).toEqual([{ runId: 'old-run', models: ['acme-9000'] }]);
    const bad = cli('runs', '--dir', dir, '--prices-as', 'tomorrow');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--prices-as "tomorrow" is not one of recorded, current');
    expect(cli('compare', '--by', 'llm.model', '--dir', dir, '--prices', prices).stderr).toContain('it needs --prices-as current');
  });
});
