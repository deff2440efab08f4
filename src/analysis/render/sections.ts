import type { BestConfigurationReport } from '../best.js';
import type { CostEfficiencyReport } from '../cost-efficiency.js';
import type { InfluenceReport } from '../influence.js';
import type { Estimate } from '../stats/bootstrap.js';
import type { TrendLine, TrendReport } from '../trends.js';
import { duration, pct, pctInterval, ppInterval, pValue, usd, usdInterval } from './format.js';
import type { TextTable } from './table.js';

/** A section of a report: a title, sentences and tables, rendered as text or Markdown. */
export interface Section {
  readonly title: string;
  readonly lines: readonly string[];
  readonly tables: readonly TextTable[];
}

export function influenceSection(report: InfluenceReport): Section {
  const lines = report.keys.length === 0 ? ['No configuration key varies between the runs: there is nothing to attribute.'] : [];
  for (const k of report.keys) {
    if (k.confounded) lines.push(`${k.keys.join(' + ')} always vary together (confounded): their effects cannot be told apart and are reported as one.`);
  }
  if (report.constantKeys.length > 0) lines.push(`The same in every run (no effect can be measured): ${report.constantKeys.join(', ')}.`);
  return {
    title: 'Which parameters matter',
    lines,
    tables: [
      {
        headers: ['key', 'levels', 'success: best − worst level [95% CI]', 'p (Fisher)', 'cost per successful issue: dearest − cheapest [95% CI]'],
        right: new Set([1, 3]),
        rows: report.keys.map((k) => [
          k.keys.join(' + '),
          String(k.levels.length),
          k.successEffect ? `${ppInterval(k.successEffect.difference)} (${k.successEffect.best} vs ${k.successEffect.worst})` : '–',
          k.successEffect ? pValue(k.successEffect.fisherP) : '–',
          k.costEffect?.difference ? `${usdInterval(k.costEffect.difference)} (${k.costEffect.dearest} vs ${k.costEffect.cheapest})` : '–',
        ]),
      },
    ],
  };
}

export function costSection(report: CostEfficiencyReport): Section {
  const lines = [
    `Most efficient: ${report.mostEfficient.join(', ') || '–'}. Least efficient: ${report.leastEfficient.join(', ') || '–'}.`,
    report.unpricedRuns.length === 0
      ? 'Every run is priced.'
      : `${report.unpricedRuns.length} run(s) have token records without a price and are left out of every cost figure (never counted as $0): ${report.unpricedRuns
          .map((r) => `${r.runId} (${r.models.join(', ')})`)
          .join('; ')}.`,
  ];
  return {
    title: `Cost efficiency by ${report.by.join(', ')}`,
    lines,
    tables: [
      {
        headers: [report.by.join(', '), '$ / successful issue [95% CI]', 'successful issues', 'priced runs', 'note'],
        right: new Set([2, 3]),
        rows: report.groups.map((g) => [g.label, usdInterval(g.costPerSuccessfulIssue), String(g.successfulIssues), String(g.pricedRuns), g.insufficientSample ? `insufficient sample: ${g.insufficientSample}` : '']),
      },
    ],
  };
}

function trendRow(name: string, line: TrendLine, format: (x: number | null) => string): string[] {
  const withInterval = (e: Estimate | null): string => (!e ? '–' : e.low === null || e.high === null ? format(e.estimate) : `${format(e.estimate)} [${format(e.low)}, ${format(e.high)}]`);
  return [name, String(line.runs), withInterval(line.firstThirdMean), withInterval(line.lastThirdMean), withInterval(line.slopePerRun), pValue(line.test?.p), line.verdict];
}

export function trendSection(report: TrendReport): Section {
  return {
    title: report.lastN === null ? 'Trends over all runs' : `Trends over the last ${report.lastN} runs`,
    lines: [
      `Runs in start order from ${report.from ?? '–'} to ${report.to ?? '–'}. A verdict needs the Mann-Kendall test at p < 0.05 and a slope interval that excludes 0; otherwise "no significant trend".`,
    ],
    tables: [
      {
        headers: ['measure', 'runs', 'first third [95% CI]', 'last third [95% CI]', 'slope per run [95% CI]', 'p (Mann-Kendall)', 'verdict'],
        right: new Set([1, 2, 3, 5]),
        rows: [trendRow('run success rate', report.successRate, pct), trendRow('cost per run', report.costPerRun, usd)],
      },
    ],
  };
}

export function bestSection(report: BestConfigurationReport): Section {
  const lines: string[] = [];
  if (report.best) {
    lines.push(`Best configuration (${report.by.join(', ')}): ${report.best.label}, score ${report.best.score} of 100.`);
    if (report.bestRun) {
      const m = report.bestRun.metrics;
      lines.push(`Its best run: ${report.bestRun.runId} (success ${pctInterval(m.successInterval)} of ${m.issues} issues, cost ${usd(m.costUsd)}, ${duration(m.durationMs)}).`);
    }
  } else lines.push(report.note ?? 'No best configuration.');
  lines.push(`Pareto front (no other configuration is at least as good on success, cost and duration and better on one): ${report.paretoFront.join('; ') || '–'}.`);
  lines.push('Score = 60 × lower end of the success interval + 25 × cheapest cost ÷ this cost + 15 × fastest median duration ÷ this duration (cheapest and fastest among groups with enough data); groups with too little data rank last.');
  return {
    title: 'Best configuration',
    lines,
    tables: [
      {
        headers: ['#', report.by.join(', '), 'score', 'success', 'cost', 'speed', 'issue success [95% CI]', '$ / successful issue', 'median duration', 'Pareto', 'note'],
        right: new Set([0, 2, 3, 4, 5]),
        rows: report.ranking.map((g, i) => [
          String(i + 1),
          g.label,
          g.score.toFixed(1),
          g.parts.success.toFixed(1),
          g.parts.cost.toFixed(1),
          g.parts.speed.toFixed(1),
          pctInterval(g.group.issueSuccessRate),
          usd(g.group.costPerSuccessfulIssue?.estimate),
          duration(g.group.medianDurationMs),
          g.onParetoFront ? 'yes' : '',
          g.insufficientSample ? `insufficient sample: ${g.insufficientSample}` : '',
        ]),
      },
    ],
  };
}
