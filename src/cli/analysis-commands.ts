import path from 'node:path';
import type { Command } from 'commander';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { loadAnalysisRuns } from '../../replay/analysis-inputs.js';
import { writeFileAtomic } from '../../replay/atomic-file.js';
import { bestConfiguration } from '../analysis/best.js';
import { compareConfigurations, RANK_METRICS, type RankMetric } from '../analysis/compare.js';
import { costEfficiency } from '../analysis/cost-efficiency.js';
import { parameterInfluence } from '../analysis/influence.js';
import { comparisonSection, renderReportMarkdown, renderReportText, renderSectionsText } from '../analysis/render/render-report.js';
import { bestSection, costSection, influenceSection, trendSection, type Section } from '../analysis/render/sections.js';
import { analysisReport } from '../analysis/report.js';
import { performanceTrends } from '../analysis/trends.js';
import { writeHtmlReport } from '../report-html/write-html-report.js';
import { resolveLogsDir } from '../journal/paths.js';
import { UsageError } from './exit-codes.js';

interface CommonOptions {
  dir?: string;
  json?: boolean;
  seed?: string;
  resamples?: string;
}

function withCommon(command: Command, example: string): Command {
  return command
    .option('--dir <dir>', 'logs folder (default: RUNLEDGER_DIR or ./logs)')
    .option('--json', 'print the result as JSON (documented in README "Analysis JSON")')
    .option('--seed <n>', 'seed of the bootstrap resampling (default 1): the same seed gives the same intervals')
    .option('--resamples <n>', 'bootstrap resamples (default 2000)')
    .addHelpText('after', `\nReplays first (incrementally), then analyses the finished runs.\n\nExample:\n  $ ${example}`);
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} ${JSON.stringify(value)} is not a whole number >= 1`);
  return n;
}

function bootstrapOf(options: CommonOptions): { seed?: number; resamples?: number } {
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed ${JSON.stringify(options.seed)} is not a whole number`);
  return { seed, resamples: positiveInteger('--resamples', options.resamples) };
}

/** Replays, then loads the analyzer's inputs: call it only after every option was checked, so a usage error writes nothing. */
async function runsOf(options: CommonOptions): Promise<AnalysisRun[]> {
  return (await loadAnalysisRuns({ dir: resolveLogsDir(options.dir) })).runs;
}

function print(options: CommonOptions, json: unknown, section: () => Section): void {
  process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : `${renderSectionsText([section()])}\n`);
}

// eslint-disable-next-line max-lines-per-function -- the analysis commands' commander declarations, one block per command
export function registerAnalysis(program: Command): void {
  withCommon(
    program
      .command('compare')
      .description('compare configurations: success with Wilson intervals, bootstrap intervals for run success and cost, Fisher tests against a baseline')
      .requiredOption('--by <keys>', 'config keys to group by, comma-separated: llm.model or llm.model,llm.temperature')
      .option('--baseline <value>', 'the baseline group as printed (default: the group with most issues)')
      .option('--metric <metric>', `what ranks the groups: ${RANK_METRICS.join(', ')} (default success)`),
    'runledger compare --by llm.model,llm.temperature --baseline "deepseek-chat, 0.7"',
  ).action(async (options: CommonOptions & { by: string; baseline?: string; metric?: string }) => {
    if (options.metric !== undefined && !RANK_METRICS.includes(options.metric as RankMetric)) {
      throw new UsageError(`--metric ${JSON.stringify(options.metric)} is not one of ${RANK_METRICS.join(', ')}`);
    }
    const by = options.by.split(',').map((k) => k.trim()).filter(Boolean);
    const settings = { by, baseline: options.baseline, metric: options.metric as RankMetric | undefined, ...bootstrapOf(options) };
    const comparison = compareConfigurations(await runsOf(options), settings);
    print(options, comparison, () => comparisonSection(comparison));
  });

  withCommon(program.command('influence').description('which config keys matter: effect sizes on success and cost with intervals; confounded keys reported together'), 'runledger influence').action(
    async (options: CommonOptions) => {
      const bootstrap = bootstrapOf(options);
      const report = parameterInfluence(await runsOf(options), bootstrap);
      print(options, report, () => influenceSection(report));
    },
  );

  withCommon(
    program
      .command('cost')
      .description('cost per successful issue per group, most and least efficient; unpriced runs named, never $0')
      .option('--by <keys>', 'config keys to group by (default llm.model)'),
    'runledger cost --by llm.model',
  ).action(async (options: CommonOptions & { by?: string }) => {
    const settings = { ...bootstrapOf(options), by: options.by?.split(',').map((k) => k.trim()) };
    const report = costEfficiency(await runsOf(options), settings);
    print(options, report, () => costSection(report));
  });

  withCommon(
    program
      .command('trends')
      .description('success rate and cost over time with a trend test and the slope interval')
      .option('--last <n>', 'only the last N runs'),
    'runledger trends --last 50',
  ).action(async (options: CommonOptions & { last?: string }) => {
    const settings = { ...bootstrapOf(options), lastN: positiveInteger('--last', options.last) };
    const report = performanceTrends(await runsOf(options), settings);
    print(options, report, () => trendSection(report));
  });

  withCommon(
    program
      .command('best')
      .description('the best configuration: Pareto front and a 0-100 score built on the lower end of the success interval')
      .option('--by <keys>', 'config keys that make a configuration (default: every key that varies)'),
    'runledger best',
  ).action(async (options: CommonOptions & { by?: string }) => {
    const settings = { ...bootstrapOf(options), by: options.by?.split(',').map((k) => k.trim()) };
    const report = bestConfiguration(await runsOf(options), settings);
    print(options, report, () => bestSection(report));
  });

  withCommon(
    program
      .command('report')
      .description("the seed's comparison report: models, temperatures, retries, influence, cost, trends, best; written to a file and printed")
      .option('--format <format>', 'text, md, json or html (default text)', 'text')
      .option('--out <file>', 'where to write it (default <dir>/analysis.txt, .md, .json or .html)')
      .option('--last <n>', 'trends over the last N runs only'),
    'runledger report --format md --out analysis.md',
  ).action(async (options: CommonOptions & { format: string; out?: string; last?: string }) => {
    const formats: Record<string, string> = { text: 'txt', md: 'md', json: 'json', html: 'html' };
    if (!(options.format in formats)) throw new UsageError(`--format ${JSON.stringify(options.format)} is not one of text, md, json, html`);
    const dir = resolveLogsDir(options.dir);
    const settings = { ...bootstrapOf(options), lastN: positiveInteger('--last', options.last) };
    if (options.format === 'html') {
      const written = await writeHtmlReport({ dir, out: options.out ?? path.join(dir, 'report.html'), ...settings });
      process.stdout.write(options.json ? `${JSON.stringify({ written })}\n` : `HTML report written to ${written} (self-contained: open it in a browser)\n`);
      return;
    }
    const report = analysisReport(await runsOf(options), settings);
    const json = options.json || options.format === 'json';
    const text = json ? `${JSON.stringify(report, null, 2)}\n` : options.format === 'md' ? renderReportMarkdown(report) : renderReportText(report);
    const out = path.resolve(options.out ?? path.join(dir, `analysis.${json ? 'json' : formats[options.format]}`));
    writeFileAtomic(out, text);
    process.stdout.write(text);
    if (!json) process.stderr.write(`written to ${out}\n`);
  });
}
