import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnalysisRuns } from '../replay/load-analysis-runs.js';
import { replay } from '../replay/replay.js';
import { verifyRun } from '../src/audit/index.js';
import { readLines, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/** One CSV file's rows as objects, read by python's csv module (config_json is a quoted cell). */
function csvRows(file: string): Record<string, string>[] {
  const script = 'import csv, json, sys\nprint(json.dumps(list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))';
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, string>[];
}

describe('recordTokenUsage({ reportedCostUsd }): the cost the provider billed', () => {
  it('is stored in TokensUsed only when given, and the journal verifies', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'reported', clock: () => new Date('2026-11-01T20:00:00Z') });
    const withReport = c.recordTokenUsage({
      model: 'deepseek-chat',
      provider: 'deepseek',
      inputTokens: 1000,
      outputTokens: 100,
      reportedCostUsd: 0.0003,
    });
    const without = c.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000, outputTokens: 100 });
    c.finalizeRun('completed');
    expect(withReport.reportedCostUsd).toBe(0.0003);
    expect('reportedCostUsd' in without).toBe(false);
    const tokens = readLines(path.join(dir, 'runs', 'reported', 'events.ndjson'))
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })
      .filter((e) => e.type === 'TokensUsed');
    expect(tokens.map((e) => e.data.reportedCostUsd)).toEqual([0.0003, undefined]);
    expect(verifyRun(dir, 'reported').verdict).toBe('intact');
  });

  it('refuses a negative or non-number reported cost', async () => {
    const c = await startRun(tempDir());
    expect(() => c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 1, outputTokens: 1, reportedCostUsd: -1 })).toThrow(
      /reportedCostUsd/,
    );
    expect(() => c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 1, outputTokens: 1, reportedCostUsd: Number.NaN })).toThrow(
      /reportedCostUsd/,
    );
    c.finalizeRun('completed');
  });

  it('is preferred by the reports, which show its difference to the computed cost; it prices a model the table lacks', async () => {
    const dir = tempDir();
    // 20:00 UTC: deepseek-chat's off-peak price, $0.135 / $0.55 per million: 1000 in + 100 out = $0.00019.
    const c = await startRun(dir, { runId: 'gateway', clock: () => new Date('2026-11-01T20:00:00Z') });
    c.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000, outputTokens: 100, reportedCostUsd: 0.0003 });
    c.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1000, outputTokens: 100 });
    c.recordTokenUsage({ model: 'acme-9000', inputTokens: 50, outputTokens: 5, reportedCostUsd: 0.002 });
    c.finalizeRun('completed');
    await replay({ dir });
    const [run] = csvRows(path.join(dir, 'csv', 'runs.csv'));
    expect(Number(run!.cost_usd)).toBeCloseTo(0.0003 + 0.00019 + 0.002, 12);
    expect(run).toMatchObject({ unpriced_token_records: '0', reported_cost_records: '2' });
    expect(Number(run!.reported_minus_computed_usd)).toBeCloseTo(0.0003 - 0.00019, 12);
    const [analysed] = (await loadAnalysisRuns({ dir })).runs;
    expect(analysed).toMatchObject({ unpricedRecords: 0, unpricedModels: [], reportedCostRecords: 2 });
    expect(analysed!.reportedMinusComputedUsd).toBeCloseTo(0.00011, 12);
  });
});
