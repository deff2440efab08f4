import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnalysisRuns } from '../replay/index.js';
import { tempDir } from './helpers/temp-dir.js';

describe('npm start: the demo', () => {
  it('records 54 runs across 18 configurations, one crashed and one interrupted, and prints the comparison and the reports', async () => {
    const dir = path.join(tempDir(), 'demo');
    const result = spawnSync(process.execPath, ['dist/examples/demo/run-demo.js', '--dir', dir, '--seed', '7'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, `the demo failed:\n${result.stderr}\n${result.stdout.slice(-2000)}`).toBe(0);
    const out = result.stdout;
    expect(out).toContain('Recording 54 runs (3 models × 3 temperatures × 2 retry settings × 3)');
    expect(out).toMatch(/Comparison by llm\.model \(baseline: /);
    expect(out).toMatch(/Comparison by llm\.temperature \(baseline: /);
    // 18 configurations of 3 runs × 6 issues cannot be told apart: the demo says so, and what it would take.
    expect(out).toMatch(
      /No clear winner among \d+ configurations \(the contenders in the table\): none of them is significantly worse than the leader .+ on success; to separate them \(by the differences seen, at least 5 pp\) you need about \d+ runs each\./,
    );
    expect(out).toMatch(/to tell a \d+\.\d pp difference you need about \d+ runs per configuration; you have 18 and 18/);
    expect(out).toMatch(/\d+\.\d% \[\d+\.\d–\d+\.\d\]/); // intervals beside rates
    expect(out).toContain(`HTML report: ${path.join(dir, 'report.html')}`);
    // It ends with what to run next: 18 runs spent where they decide the question, after the reports.
    const suggest = out.indexOf('$ runledger suggest --runs 18\nWhat to run next (by success rate)');
    expect(suggest).toBeGreaterThan(out.indexOf('HTML report:'));
    expect(out.slice(suggest)).toMatch(
      /Suggested: 18 run\(s\) over \d+ configuration\(s\)\. After them the question is answered .+ in \d+\.\d% of simulated futures/,
    );
    expect(out.slice(suggest)).toMatch(/: no more runs for it\n/);

    const killed = /Killed (\S+) with SIGKILL and interrupted (\S+) with SIGTERM/.exec(out)!;
    const { runs } = await loadAnalysisRuns({ dir });
    expect(runs).toHaveLength(54);
    expect(new Set(runs.map((r) => JSON.stringify(r.config))).size).toBe(18);
    const statusOf = (runId: string): string | undefined => runs.find((r) => r.runId === runId)?.status;
    expect(statusOf(killed[1]!)).toBe('crashed');
    expect(statusOf(killed[2]!)).toBe('interrupted');
    expect(runs.filter((r) => r.status === 'completed')).toHaveLength(52);
    expect(runs.every((r) => r.issues >= 3)).toBe(true);
    expect(runs.filter((r) => r.status === 'completed').every((r) => r.unpricedRecords === 0 && r.costUsd > 0)).toBe(true);

    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/https?:\/\//);
    expect(fs.readFileSync(path.join(dir, 'analysis.txt'), 'utf8')).toContain('Which parameters matter');
    // Coding and testing agents fail where the simulation says so (an incomplete patch, failing tests), and are retried.
    const agents = fs
      .readFileSync(path.join(dir, 'csv', 'agents.csv'), 'utf8')
      .split('\r\n')
      .slice(1)
      .filter(Boolean);
    const failed = (type: string): number => agents.filter((row) => row.includes(`,${type},`) && row.includes(',failed,')).length;
    expect(failed('coding')).toBeGreaterThan(0);
    expect(failed('testing')).toBeGreaterThan(0);
    expect(runs.filter((r) => r.status === 'completed').some((r) => r.failedIssues > 0)).toBe(true);
    for (const table of ['runs.csv', 'issues.csv', 'agents.csv', 'pipelines.csv', 'tool_usage.csv', 'debugging_cycles.csv', 'errors.csv']) {
      expect(fs.statSync(path.join(dir, 'csv', table)).size, table).toBeGreaterThan(200);
    }
  }, 150_000);
});
