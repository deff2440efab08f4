import { describe, expect, it } from 'vitest';
import { compareConfigurations } from '../src/analysis/index.js';
import { comparisonTable } from '../src/analysis/render/comparison-table.js';
import { duration, durationColumn } from '../src/analysis/render/format.js';
import { runsWith } from './helpers/analysis-runs.js';

describe('one human unit per column of durations', () => {
  it("picks the unit from the column's largest value: ms only when every value is under 1 s", () => {
    expect([120, 800, 999].map(durationColumn([120, 800, 999]))).toEqual(['120 ms', '800 ms', '999 ms']);
    // "1.5 s" never stands above "800 ms": once one value reaches 1 s the column is in seconds.
    expect([800, 1500].map(durationColumn([800, 1500]))).toEqual(['0.8 s', '1.5 s']);
    expect([5000, 119_000].map(durationColumn([5000, 119_000]))).toEqual(['5.0 s', '119.0 s']);
    expect([5000, 180_000].map(durationColumn([5000, 180_000]))).toEqual(['0.1 min', '3.0 min']);
    expect([60_000, 9_000_000].map(durationColumn([60_000, 9_000_000]))).toEqual(['0.0 h', '2.5 h']);
  });

  it('unknown values are "–" and do not choose the unit; a lone duration picks its own', () => {
    const format = durationColumn([null, undefined, 450]);
    expect([format(null), format(undefined), format(450)]).toEqual(['–', '–', '450 ms']);
    expect([duration(800), duration(1500), duration(600_000), duration(null)]).toEqual(['800 ms', '1.5 s', '10.0 min', '–']);
  });

  it("compare's median-issue column has one unit for every group", () => {
    // 10 issues per run: 8 s and 15 s runs give 800 ms and 1.5 s median issues.
    const runs = [
      ...runsWith({ model: 'fast' }, [5, 6], { issues: 10, durationMs: 8000 }),
      ...runsWith({ model: 'slow' }, [5, 6], { issues: 10, durationMs: 15_000 }),
    ];
    const table = comparisonTable(compareConfigurations(runs, { by: ['llm.model'] }));
    const column = table.headers.indexOf('median issue');
    expect(table.rows.map((row) => row[column]).sort()).toEqual(['0.8 s', '1.5 s']);
  });
});
