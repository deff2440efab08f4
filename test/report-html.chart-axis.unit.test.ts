import { describe, expect, it } from 'vitest';
import { trendChart, type TrendSeries } from '../src/report-html/chart-trend.js';
import { niceDomain, usdTick } from '../src/report-html/scale.js';
import { usd } from '../src/analysis/render/format.js';

const runs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ runId: `r${i + 1}`, startedAt: `2026-12-0${(i % 9) + 1}T10:00:00.000Z` }));

function costSeries(values: number[], slope: number | null): TrendSeries {
  return {
    values,
    runs: runs(values.length),
    slope,
    firstThirdMean: null,
    lastThirdMean: null,
    format: usd,
    tickFormat: usdTick,
    source: 'trend:cost',
  };
}

/** The y axis' tick labels, as the chart writes them (class "tick", anchored at the end). */
const yTickLabels = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*class="tick"[^>]*text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('the y axis of a non-negative quantity starts at 0', () => {
  it('niceDomain never widens a domain that starts at 0 or above below 0', () => {
    expect(niceDomain(0, 0, 4)).toMatchObject({ min: 0, max: 1 });
    expect(niceDomain(0.2, 0.2, 4).min).toBeGreaterThanOrEqual(0);
    expect(niceDomain(0, 0.37, 4)).toMatchObject({ min: 0 });
    // A domain that is negative to begin with is still opened up around its value.
    expect(niceDomain(-2, -2, 4).min).toBeLessThan(-2);
  });

  it('the cost trend of runs that all cost $0 has no tick below $0', () => {
    const labels = yTickLabels(trendChart('trend-cost', 'Cost per run', costSeries([0, 0, 0, 0], 0)));
    expect(labels[0]).toBe('$0');
    expect(labels.some((l) => l.startsWith('-'))).toBe(false);
  });

  it('a falling cost trend whose fitted line would cross $0 keeps the axis at $0 and the line on it', () => {
    const svg = trendChart('trend-cost', 'Cost per run', costSeries([0.3, 0.2, 0.1, 0, 0], -0.08));
    const labels = yTickLabels(svg);
    expect(labels[0]).toBe('$0');
    expect(labels.some((l) => l.startsWith('-'))).toBe(false);
    // The fitted line is clipped at the axis in the drawing: no y below the $0 grid line.
    const zeroY = Number(/<line[^>]*y1="([\d.]+)"[^>]*class="grid"/.exec(svg)![1]);
    const fit = /<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="([\d.]+)"[^>]*class="mark fit"/.exec(svg)!;
    expect(Number(fit[2])).toBeLessThanOrEqual(zeroY);
  });
});
