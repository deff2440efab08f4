import type { Comparison } from '../compare.js';
import { MIN_BOOTSTRAP_RUNS, MIN_ISSUES, MIN_RUNS } from '../group-stats.js';
import type { AnalysisReport } from '../report.js';
import { comparisonNotes, comparisonTable } from './comparison-table.js';
import { bestSection, costSection, influenceSection, trendSection, type Section } from './sections.js';
import { markdownText, renderMarkdownTable, renderTextTable } from './table.js';
import { printable } from '../../errors.js';

export function comparisonSection(comparison: Comparison): Section {
  return {
    title: `Comparison by ${comparison.by.join(', ')} (baseline: ${comparison.baseline ?? '–'})`,
    lines: comparisonNotes(comparison),
    tables: [comparisonTable(comparison)],
  };
}

export function reportSections(report: AnalysisReport): Section[] {
  return [
    ...report.comparisons.map(comparisonSection),
    influenceSection(report.influence),
    costSection(report.costEfficiency),
    trendSection(report.trends),
    bestSection(report.best),
  ];
}

/**
 * The runs analysed, by how they ended: "54 runs (52 completed, 1 interrupted, 1 crashed)". A
 * crashed or interrupted run is not a finished one; what is analysed of it is its finished issues.
 */
export function analysedRunsPhrase(runs: AnalysisReport['runs']): string {
  const ways = (['completed', 'failed', 'interrupted', 'crashed'] as const)
    .filter((w) => runs.ended[w] > 0)
    .map((w) => `${runs.ended[w]} ${w}`);
  return `${runs.analysed} run${runs.analysed === 1 ? '' : 's'}${ways.length > 0 ? ` (${ways.join(', ')})` : ''}`;
}

const intro = (report: AnalysisReport): string =>
  `${analysedRunsPhrase(report.runs)} from ${report.runs.from ?? '–'} to ${report.runs.to ?? '–'}` +
  `${report.runs.running ? ` (${report.runs.running} still running, left out)` : ''}; of each, its finished issues are analysed. ` +
  'Intervals are 95% and treat the run as the unit: runs of one configuration differ by more than chance, so a rate of issues gets ' +
  "Wilson's interval on its effective sample (issues ÷ design effect) with Student's t over runs; means and costs get Student's t over runs below " +
  `${MIN_BOOTSTRAP_RUNS} runs and a percentile bootstrap from there on (${report.settings.resamples} resamples, seed ${report.settings.seed}). ` +
  `A group with fewer than ${MIN_ISSUES} issues or ${MIN_RUNS} runs is flagged and never ranked first.`;

export function renderSectionsText(sections: readonly Section[]): string {
  return sections
    .map((s) =>
      [
        printable(s.title),
        '='.repeat(s.title.length),
        ...s.tables.map(renderTextTable),
        ...(s.lines.length ? ['', ...s.lines.map(printable)] : []),
      ].join('\n'),
    )
    .join('\n\n');
}

export function renderReportText(report: AnalysisReport): string {
  return `runledger analysis\n\n${intro(report)}\n\n${renderSectionsText(reportSections(report))}\n`;
}

export function renderReportMarkdown(report: AnalysisReport): string {
  const sections = reportSections(report).map((s) =>
    [
      `## ${markdownText(s.title)}`,
      '',
      ...s.tables.map(renderMarkdownTable),
      ...(s.lines.length ? ['', ...s.lines.map((l) => `- ${markdownText(l)}`)] : []),
    ].join('\n'),
  );
  return `# runledger analysis\n\n${intro(report)}\n\n${sections.join('\n\n')}\n`;
}
