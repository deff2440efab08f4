import { describe, expect, it } from 'vitest';
import { analysedRunsPhrase, analysisReport, renderReportText } from '../src/analysis/index.js';
import { analysisRun, startedAt } from './helpers/analysis-runs.js';

describe("the report's header counts runs by how they ended", () => {
  it('a crashed or an interrupted run is not called finished: "5 runs (3 completed, 1 interrupted, 1 crashed)"', () => {
    const statuses = ['completed', 'completed', 'crashed', 'completed', 'interrupted', 'running'] as const;
    const runs = statuses.map((status, i) => analysisRun({ runId: `r${i}`, status, startedAt: startedAt(i), issues: 4, completed: 2 }));
    const report = analysisReport(runs, { resamples: 200 });
    expect(report.runs).toMatchObject({ analysed: 5, running: 1, ended: { completed: 3, failed: 0, interrupted: 1, crashed: 1 } });
    expect(analysedRunsPhrase(report.runs)).toBe('5 runs (3 completed, 1 interrupted, 1 crashed)');
    const text = renderReportText(report);
    expect(text).toContain(
      `5 runs (3 completed, 1 interrupted, 1 crashed) from ${startedAt(0)} to ${startedAt(4)} (1 still running, left out); of each, its finished issues are analysed.`,
    );
    expect(text).not.toMatch(/\d+ finished runs/);
  });

  it('one run, and no runs at all', () => {
    expect(analysedRunsPhrase(analysisReport([analysisRun({ status: 'failed' })], { resamples: 200 }).runs)).toBe('1 run (1 failed)');
    expect(analysedRunsPhrase(analysisReport([], { resamples: 200 }).runs)).toBe('0 runs');
  });
});
