import { SCORE_WEIGHTS, type BestConfigurationReport } from '../best.js';
import type { CostEfficiencyReport } from '../cost-efficiency.js';
import { MIN_ISSUES, MIN_RUNS } from '../group-stats.js';
import type { InfluenceReport, KeyInfluence } from '../influence.js';
import type { LevelEffect } from '../joint-model.js';
import type { Estimate } from '../stats/bootstrap.js';
import type { TrendLine, TrendReport } from '../trends.js';
import { duration, durationColumn, pct, pctInterval, ppInterval, pValue, usd, usdInterval } from './format.js';
import type { TextTable } from './table.js';

/** A section of a report: a title, sentences and tables, rendered as text or Markdown. */
export interface Section {
  readonly title: string;
  readonly lines: readonly string[];
  readonly tables: readonly TextTable[];
}

/** The level with the largest effect against the reference, or null when none could be estimated. */
export function strongestEffect(k: KeyInfluence): (LevelEffect & { readonly estimate: number }) | null {
  const estimated = k.effects.filter((e): e is LevelEffect & { readonly estimate: number } => e.estimate !== null);
  return estimated.sort((a, b) => Math.abs(b.estimate) - Math.abs(a.estimate))[0] ?? null;
}

/** Sentences under the influence table, shared by the text and HTML reports. */
export function influenceNotes(report: InfluenceReport): string[] {
  const lines = report.keys.length === 0 ? ['No configuration key varies between the runs: there is nothing to attribute.'] : [];
  if (report.keys.length > 0) {
    lines.push(
      'Every key is estimated at once (a linear model of run success rates on all keys, weighted by issues), so each effect holds the other keys fixed; p is the F test of "no effect", Holm-adjusted across keys.',
    );
  }
  for (const k of report.keys) {
    if (k.confounded)
      lines.push(`${k.keys.join(' + ')} always vary together (confounded): their effects cannot be told apart and are reported as one.`);
    for (const other of k.partlyConfoundedWith) {
      lines.push(
        `${k.keys.join(' + ')} is partly confounded with ${other.keys.join(' + ')} (Cramér's V ${other.cramersV.toFixed(2)}): their effects are adjusted for each other but less certain; vary them independently to separate them.`,
      );
    }
    if (k.test === null && report.keys.length > 0)
      lines.push(`${k.keys.join(' + ')}: too few runs to test it alongside the other keys (the model needs more runs than parameters).`);
  }
  if (report.constantKeys.length > 0) lines.push(`The same in every run (no effect can be measured): ${report.constantKeys.join(', ')}.`);
  return lines;
}

export function influenceSection(report: InfluenceReport): Section {
  return {
    title: 'Which parameters matter',
    lines: influenceNotes(report),
    tables: [
      {
        headers: [
          'key',
          'levels',
          'largest effect on success vs reference [95% CI]',
          'p (F, Holm)',
          'verdict',
          'cost per successful issue: dearest − cheapest [95% CI]',
        ],
        right: new Set([1, 3]),
        rows: report.keys.map((k) => {
          const strongest = strongestEffect(k);
          return [
            k.keys.join(' + '),
            String(k.levels.length),
            strongest ? `${ppInterval(strongest)} (${strongest.level} vs ${k.reference})` : '–',
            pValue(k.test?.holmP),
            k.test === null ? 'not testable' : k.significant ? 'matters' : 'no evidence',
            k.costEffect
              ? `${k.costEffect.difference ? usdInterval(k.costEffect.difference) : usd(k.costEffect.estimate)} (${k.costEffect.dearest} vs ${k.costEffect.cheapest})`
              : '–',
          ];
        }),
      },
    ],
  };
}

export function costSection(report: CostEfficiencyReport): Section {
  const lines = [
    `Most efficient: ${report.mostEfficient.join(', ') || '–'}. Least efficient: ${report.leastEfficient.join(', ') || '–'}.`,
    report.unpricedRuns.length === 0
      ? 'Every run is priced.'
      : `${report.unpricedRuns.length} run(s) left out of cost figures (unpriced records; never counted as $0): ${report.unpricedRuns
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
        rows: report.groups.map((g) => [
          g.label,
          usdInterval(g.costPerSuccessfulIssue),
          String(g.successfulIssues),
          String(g.pricedRuns),
          g.insufficientSample ? `insufficient sample: ${g.insufficientSample}` : '',
        ]),
      },
    ],
  };
}

function trendRow(name: string, line: TrendLine, format: (x: number | null) => string): string[] {
  const withInterval = (e: Estimate | null): string =>
    !e ? '–' : e.low === null || e.high === null ? format(e.estimate) : `${format(e.estimate)} [${format(e.low)}, ${format(e.high)}]`;
  return [
    name,
    String(line.runs),
    withInterval(line.firstThirdMean),
    withInterval(line.lastThirdMean),
    withInterval(line.slopePerRun),
    pValue(line.test?.p),
    line.verdict,
  ];
}

export function trendSection(report: TrendReport): Section {
  return {
    title: report.lastN === null ? 'Trends over all runs' : `Trends over the last ${report.lastN} runs`,
    lines: [
      `Runs in start order from ${report.from ?? '–'} to ${report.to ?? '–'}. A verdict needs the Mann-Kendall test at p < 0.05 and a slope interval that excludes 0; otherwise "no significant trend".`,
    ],
    tables: [
      {
        headers: [
          'measure',
          'runs',
          'first third [95% CI]',
          'last third [95% CI]',
          'slope per run [95% CI]',
          'p (Mann-Kendall)',
          'verdict',
        ],
        right: new Set([1, 2, 3, 5]),
        rows: [trendRow('run success rate', report.successRate, pct), trendRow('cost per run', report.costPerRun, usd)],
      },
    ],
  };
}

/** More contenders than this are counted, not listed, in the verdict's sentence: the table marks each. */
const MAX_NAMED_CONTENDERS = 5;

/** The verdict of `best` in one or two sentences, shared by the text and HTML reports. */
export function bestVerdictLines(report: BestConfigurationReport): string[] {
  const lines: string[] = [];
  if (report.verdict === 'clear' && report.best) {
    lines.push(
      `Best configuration (${report.by.join(', ')}): ${report.best.label}, score ${report.best.score} of 100; every other configuration with enough data is significantly worse on success.`,
    );
    if (report.bestRun) {
      const m = report.bestRun.metrics;
      lines.push(
        `Its best run: ${report.bestRun.runId} (success ${pctInterval(m.successInterval)} of ${m.issues} issues, cost ${m.unpricedRecords === 0 ? usd(m.costUsd) : `${m.knownCostUsd === null ? 'unknown' : `≥ ${usd(m.knownCostUsd)}`} (${m.unpricedRecords} unpriced token records)`}, ${duration(m.durationMs)}).`,
      );
    }
  } else if (report.verdict === 'no-clear-winner') {
    const need =
      report.runsToSeparate === null
        ? 'telling them apart is out of reach at 5 pp'
        : `to separate them (by the differences seen, at least 5 pp) you need about ${report.runsToSeparate} runs each`;
    const among =
      report.contenders.length <= MAX_NAMED_CONTENDERS
        ? `among ${report.contenders.join('; ')}`
        : `among ${report.contenders.length} configurations (the contenders in the table)`;
    lines.push(
      `No clear winner ${among}: none of them is significantly worse than the leader ${report.leader?.label ?? '–'} on success; ${need}.`,
    );
  } else lines.push(report.note ?? 'Not enough data to judge.');
  if (report.insufficientGroups.length > 0)
    lines.push(
      `Not judged (too little data, ${MIN_ISSUES} issues and ${MIN_RUNS} runs each needed): ${report.insufficientGroups.join('; ')}.`,
    );
  return lines;
}

export function bestSection(report: BestConfigurationReport): Section {
  const w = SCORE_WEIGHTS;
  const issueDuration = durationColumn(report.ranking.map((g) => g.group.medianIssueDurationMs));
  const lines = [
    ...bestVerdictLines(report),
    `Pareto front of the configurations with enough data (no other is at least as good on success, cost and issue duration and better on one): ${report.paretoFront.join('; ') || '–'}.`,
    `Score = ${w.success} × lower end of the success interval + ${w.cost} × cheapest cost ÷ this cost + ${w.speed} × fastest median issue duration ÷ this duration (cheapest and fastest among groups with enough data). P(best): how often a group has the highest success rate when each group's runs are resampled.`,
  ];
  return {
    title: 'Best configuration',
    lines,
    tables: [
      {
        headers: [
          '#',
          report.by.join(', '),
          'score',
          'success',
          'cost',
          'speed',
          'issue success [95% CI]',
          'P(best)',
          'contender',
          '$ / successful issue',
          'median issue',
          'Pareto',
          'note',
        ],
        right: new Set([0, 2, 3, 4, 5, 7]),
        rows: report.ranking.map((g, i) => [
          String(i + 1),
          g.label,
          g.score.toFixed(1),
          g.parts.success.toFixed(1),
          g.parts.cost.toFixed(1),
          g.parts.speed.toFixed(1),
          pctInterval(g.group.issueSuccessRate),
          g.probabilityBest === null ? '–' : g.probabilityBest.toFixed(2),
          g.contender ? (g.label === report.leader?.label ? 'leader' : 'yes') : g.insufficientSample ? '' : 'no',
          usd(g.group.costPerSuccessfulIssue?.estimate),
          issueDuration(g.group.medianIssueDurationMs),
          g.onParetoFront ? 'yes' : '',
          g.insufficientSample ? `insufficient sample: ${g.insufficientSample}` : '',
        ]),
      },
    ],
  };
}
