import fs from 'node:fs';
import path from 'node:path';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import type { PricesAs } from '../../replay/prices-as.js';
import { loadAnalysisRuns } from '../../replay/load-analysis-runs.js';
import { writeFileAtomic } from '../durable/atomic-file.js';
import { bestConfiguration } from '../analysis/best.js';
import { compareConfigurations, RANK_METRICS, type RankMetric } from '../analysis/compare.js';
import { costEfficiency } from '../analysis/cost-efficiency.js';
import { parameterInfluence } from '../analysis/influence.js';
import { comparisonSection, renderReportMarkdown, renderReportText, renderSectionsText } from '../analysis/render/render-report.js';
import { bestSection, costSection, influenceSection, trendSection, type Section } from '../analysis/render/sections.js';
import { analysisReport } from '../analysis/report.js';
import { DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_BOOTSTRAP_SEED } from '../analysis/stats/bootstrap.js';
import { suggestSection } from '../analysis/render/suggest-section.js';
import { OBJECTIVES, type Objective } from '../analysis/suggest/objective.js';
import { suggestRuns } from '../analysis/suggest/suggest.js';
import { performanceTrends } from '../analysis/trends.js';
import { writeHtmlReport } from '../report-html/write-html-report.js';
import { UsageError } from './exit-codes.js';
import { pricingNote, pricingOf } from './pricing-options.js';
import { existingLogsDir, isWritable, noteReadOnly } from './logs-dir.js';
import { envLine } from './emit-env.js';
import { BOUNDS, optionalWholeNumber } from './numbers.js';
import { includedConfiguration } from './included-configuration.js';

/** The analysis commands' options, as commander gives them (registered in commands.ts). */
export interface AnalysisOptions {
  dir?: string;
  json?: boolean;
  seed?: string;
  resamples?: string;
  pricesAs?: string;
  prices?: string;
}

export interface CompareCommandOptions extends AnalysisOptions {
  by: string;
  baseline?: string;
  metric?: string;
}

export interface ReportCommandOptions extends AnalysisOptions {
  format: string;
  out?: string;
  last?: string;
}

function bootstrapOf(options: AnalysisOptions): { seed?: number; resamples?: number } {
  return {
    seed: optionalWholeNumber('--seed', options.seed, BOUNDS.seed),
    resamples: optionalWholeNumber('--resamples', options.resamples, BOUNDS.resamples),
  };
}

/** Replays, then loads the analyzer's inputs: call it only after every option was checked, so a usage error writes nothing. */
async function runsOf(options: AnalysisOptions): Promise<AnalysisRun[]> {
  const loaded = await loadAnalysisRuns({ dir: existingLogsDir(options.dir), ...pricingOf(options) });
  if (loaded.readOnly) noteReadOnly(loaded.replay.dir);
  return loaded.runs;
}

/**
 * The bootstrap's settings, printed under every analysis: one default seed everywhere (the demo,
 * `report`, each command), so the same data give the same intervals, and a reader can redo them.
 */
function bootstrapLine(options: AnalysisOptions): string {
  const { seed, resamples } = bootstrapOf(options);
  return (
    `Bootstrap: ${resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES} resamples, seed ${seed ?? DEFAULT_BOOTSTRAP_SEED}` +
    `${seed === undefined ? ' (the default; --seed N to change it)' : ''}: the same seed and runs give the same intervals.`
  );
}

function print(options: AnalysisOptions, json: unknown, section: () => Section): void {
  process.stdout.write(
    options.json
      ? `${JSON.stringify(json, null, 2)}\n`
      : `${pricingNote(options)}${renderSectionsText([section()])}\n\n${bootstrapLine(options)}\n`,
  );
}

export async function compareCommand(options: CompareCommandOptions): Promise<void> {
  if (options.metric !== undefined && !RANK_METRICS.includes(options.metric as RankMetric)) {
    throw new UsageError(`--metric ${JSON.stringify(options.metric)} is not one of ${RANK_METRICS.join(', ')}`);
  }
  const by = options.by
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const settings = { by, baseline: options.baseline, metric: options.metric as RankMetric | undefined, ...bootstrapOf(options) };
  const comparison = compareConfigurations(await runsOf(options), settings);
  print(options, comparison, () => comparisonSection(comparison));
}

export async function influenceCommand(options: AnalysisOptions): Promise<void> {
  const bootstrap = bootstrapOf(options);
  const report = parameterInfluence(await runsOf(options), bootstrap);
  print(options, report, () => influenceSection(report));
}

export async function costCommand(options: AnalysisOptions & { by?: string }): Promise<void> {
  const settings = { ...bootstrapOf(options), by: options.by?.split(',').map((k) => k.trim()) };
  const report = costEfficiency(await runsOf(options), settings);
  print(options, report, () => costSection(report));
}

export async function trendsCommand(options: AnalysisOptions & { last?: string }): Promise<void> {
  const settings = { ...bootstrapOf(options), lastN: optionalWholeNumber('--last', options.last, BOUNDS.last) };
  const report = performanceTrends(await runsOf(options), settings);
  print(options, report, () => trendSection(report));
}

export async function bestCommand(options: AnalysisOptions & { by?: string }): Promise<void> {
  const settings = { ...bootstrapOf(options), by: options.by?.split(',').map((k) => k.trim()) };
  const report = bestConfiguration(await runsOf(options), settings);
  print(options, report, () => bestSection(report));
}

export interface SuggestCommandOptions extends AnalysisOptions {
  by?: string;
  runs?: string;
  budget?: string;
  objective?: string;
  include: string[];
  emitEnv?: boolean;
}

export async function suggestCommand(options: SuggestCommandOptions): Promise<void> {
  if (options.objective !== undefined && !OBJECTIVES.includes(options.objective as Objective))
    throw new UsageError(`--objective ${JSON.stringify(options.objective)} is not one of ${OBJECTIVES.join(', ')}`);
  if (options.runs !== undefined && options.budget !== undefined)
    throw new UsageError('give --runs or --budget, not both: --runs fixes the number, --budget lets the costs decide it');
  if (options.emitEnv && options.json) throw new UsageError('--emit-env prints shell assignments; it cannot be combined with --json');
  const budgetUsd = options.budget === undefined ? undefined : usdAmount('--budget', options.budget);
  const settings = {
    seed: bootstrapOf(options).seed,
    by: options.by?.split(',').map((k) => k.trim()),
    runs: optionalWholeNumber('--runs', options.runs, BOUNDS.suggestedRuns),
    budgetUsd,
    objective: options.objective as Objective | undefined,
    include: options.include.map(includedConfiguration),
  };
  const report = suggestRuns(await runsOf(options), settings);
  if (options.emitEnv) {
    const lines = report.allocation.flatMap((a) => Array.from({ length: a.runs }, () => envLine(a.values)));
    if (lines.length === 0)
      process.stderr.write(`nothing to run: ${report.answered ? 'the question is answered' : (report.note ?? 'no run suggested')}\n`);
    process.stdout.write(lines.map((l) => `${l}\n`).join(''));
    return;
  }
  process.stdout.write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : `${pricingNote(options)}${renderSectionsText([suggestSection(report)])}\n`,
  );
}

/** A positive amount of USD written as decimal digits ("25", "7.50"). */
function usdAmount(name: string, text: string): number {
  const value = /^\d{1,12}(\.\d{1,6})?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0)) throw new UsageError(`${name} ${JSON.stringify(text)} is not a positive amount of USD, e.g. 25 or 7.50`);
  return value;
}

/** Refuses a file argument that names a folder (or lies under a file) before any work is done. */
function assertWritableFile(name: string, file: string): void {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory())
    throw new UsageError(`${name} ${JSON.stringify(file)} is a folder; give the file to write, e.g. ${path.join(file, 'analysis.md')}`);
  const parent = fs.statSync(path.dirname(path.resolve(file)), { throwIfNoEntry: false });
  if (parent !== undefined && !parent.isDirectory())
    throw new UsageError(`${name} ${JSON.stringify(file)}: ${path.dirname(path.resolve(file))} is not a folder`);
}

export async function reportCommand(options: ReportCommandOptions): Promise<void> {
  const formats: Record<string, string> = { text: 'txt', md: 'md', json: 'json', html: 'html' };
  if (!(options.format in formats)) throw new UsageError(`--format ${JSON.stringify(options.format)} is not one of text, md, json, html`);
  const dir = existingLogsDir(options.dir);
  const settings = { ...bootstrapOf(options), lastN: optionalWholeNumber('--last', options.last, BOUNDS.last) };
  if (options.out !== undefined) assertWritableFile('--out', options.out);
  const pricing = pricingOf(options);
  if (options.format === 'html') return htmlReport(dir, options, { ...settings, ...pricing });
  const report = analysisReport(await runsOf(options), settings);
  const json = options.json || options.format === 'json';
  const text = json
    ? `${JSON.stringify(report, null, 2)}\n`
    : options.format === 'md'
      ? pricingNote(options) + renderReportMarkdown(report)
      : pricingNote(options) + renderReportText(report);
  const out = path.resolve(options.out ?? path.join(dir, `analysis.${json ? 'json' : formats[options.format]}`));
  // A read-only logs folder gets no analysis file unless --out says where; the report is printed.
  const write = options.out !== undefined || isWritable(dir);
  if (write) writeFileAtomic(out, text);
  process.stdout.write(text);
  if (!write) process.stderr.write(`note: not written to ${out} (read-only); give --out to write it elsewhere\n`);
  else if (!json) process.stderr.write(`written to ${out}\n`);
}

/** The HTML report. A read-only logs folder is read from its journals (nothing is written there); the page then needs --out elsewhere. */
async function htmlReport(
  dir: string,
  options: ReportCommandOptions,
  settings: { seed?: number; resamples?: number; lastN?: number; pricesAs: PricesAs; prices?: string },
): Promise<void> {
  const writable = isWritable(dir);
  if (!writable && options.out === undefined) {
    throw new UsageError(`${dir} is read-only: give --out to write the HTML report elsewhere, e.g. --out /tmp/report.html`);
  }
  if (!writable) noteReadOnly(dir);
  const written = await writeHtmlReport({ dir, out: options.out ?? path.join(dir, 'report.html'), ...settings });
  process.stdout.write(
    options.json ? `${JSON.stringify({ written })}\n` : `HTML report written to ${written} (self-contained: open it in a browser)\n`,
  );
}
