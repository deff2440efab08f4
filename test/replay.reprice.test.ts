import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnalysisRuns } from '../replay/load-analysis-runs.js';
import { startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/** One CSV file's rows as objects, read by python's csv module. */
function csvRows(file: string): Record<string, string>[] {
  const script = 'import csv, json, sys\nprint(json.dumps(list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))';
  return JSON.parse(spawnSync('python3', ['-c', script, file], { encoding: 'utf8' }).stdout) as Record<string, string>[];
}

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

  it('replay --prices-as current writes both figures and the table that priced them to their own CSV; logs/csv and the journal stay as recorded', async () => {
    const { dir, prices, journal } = await recordAndAddPrice();
    expect(cli('replay', '--dir', dir).status).toBe(0);
    const runsCsv = path.join(dir, 'csv', 'runs.csv');
    const [tablesBefore, journalBefore] = [fs.readFileSync(runsCsv), fs.readFileSync(journal)];

    const result = cli('replay', '--dir', dir, '--prices-as', 'current', '--prices', prices);
    expect(result.status).toBe(0);
    const file = path.join(dir, 'repriced-costs.csv');
    expect(result.stdout).toContain(`Re-priced 1 run(s) with @pydantic/genai-prices`);
    expect(result.stdout).toContain(
      `and ${path.resolve(prices)} (--prices-as current): recorded $0.0002 (1 unpriced token record(s)), now $0.0082 (0 unpriced).`,
    );
    expect(result.stdout).toContain(`Written to ${file}`);
    const [row] = csvRows(file);
    expect(row).toMatchObject({
      run_id: 'old-run',
      token_records: '2',
      recorded_cost_usd: '0.00019',
      recorded_unpriced_token_records: '1',
      recorded_unpriced_tokens: '2500',
      current_cost_usd: '0.00819',
      current_unpriced_token_records: '0',
      current_unpriced_models: '',
      current_minus_recorded_usd: '0.008',
      price_package: "'@pydantic/genai-prices",
      price_override_file: path.resolve(prices),
    });
    expect(row!.price_override_sha256).toMatch(/^[0-9a-f]{64}$/);
    // The derived tables are the same bytes as a replay without re-pricing: they never depend on the day's prices.
    expect(fs.readFileSync(runsCsv).equals(tablesBefore)).toBe(true);
    expect(fs.readFileSync(journal).equals(journalBefore)).toBe(true);

    const elsewhere = path.join(tempDir(), 'costs-now.csv');
    const json = JSON.parse(cli('replay', '--dir', dir, '--prices-as', 'current', '--prices', prices, '--out', elsewhere, '--json').stdout);
    expect(json.repriced).toMatchObject({ file: elsewhere, runs: 1, recorded: { unpricedRecords: 1 }, current: { unpricedRecords: 0 } });
    expect(csvRows(elsewhere)).toHaveLength(1);
    const refused = cli('replay', '--dir', dir, '--out', elsewhere);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--out names the re-priced costs file: it needs --prices-as current');
  });

  it("report --format html --prices-as current shows costs priced now, each run's recorded cost beside it, and both sources", async () => {
    const { dir, prices } = await recordAndAddPrice();
    const out = path.join(tempDir(), 'now.html');
    const result = cli('report', '--dir', dir, '--format', 'html', '--prices-as', 'current', '--prices', prices, '--out', out);
    expect(result.status, result.stderr).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(/data-prices-as="current">costs priced now with @pydantic\/genai-prices [^ ]+ and the override file /);
    expect(html).toContain('cost now (recorded)');
    expect(html).toMatch(/data-group="old-run" data-metric="cost" data-value="0\.00819"/);
    expect(html).toMatch(
      /recorded <span class="fig" data-source="run" data-group="old-run" data-metric="recorded-cost" data-value="0\.00019">≥ \$0\.0001900<\/span>/,
    );
    expect(html).toContain('costs priced now with @pydantic/genai-prices');

    const recorded = path.join(tempDir(), 'recorded.html');
    expect(cli('report', '--dir', dir, '--format', 'html', '--out', recorded).status).toBe(0);
    const asRecorded = fs.readFileSync(recorded, 'utf8');
    expect(asRecorded).not.toContain('data-prices-as');
    expect(asRecorded).toContain('as recorded in each run');
  });
});
