import type { Command } from 'commander';
import type { AnalysisOptions, CompareCommandOptions, ReportCommandOptions, SuggestCommandOptions } from './analysis-commands.js';
import { RANK_METRIC_NAMES, SUGGEST_OBJECTIVE_NAMES } from './choices.js';

/** The analysis commands' static declarations (compare, influence, cost, trends, best, suggest, report); see commands.ts. */
/** Re-pricing as a projection: the journals keep their recorded costs. */
export const pricesAsOption = [
  '--prices-as <how>',
  "recorded: costs as each token record was priced (default); current: every record priced again with today's table and --prices (the journals are not changed)",
] as const;

export function registerAnalysis(program: Command, dirOption: readonly [string, string]): void {
  const withCommon = (command: Command, example: string): Command =>
    command
      .option(...dirOption)
      .option('--json', 'print the result as JSON (documented in README "Analysis JSON")')
      .option('--seed <n>', 'seed of the resampling (bootstrap from 10 runs, P(best)) (default 1): the same seed gives the same figures')
      .option('--resamples <n>', 'bootstrap resamples (default 2000)')
      .option(...pricesAsOption)
      .option('--prices <file>', 'price override file for --prices-as current (default: RUNLEDGER_PRICES)')
      .addHelpText('after', `\nReplays first (incrementally), then analyses the finished runs.\n\nExample:\n  $ ${example}`);
  const analysis = () => import('./analysis-commands.js');

  withCommon(
    program
      .command('compare')
      .description(
        'compare configurations with runs as the unit: success with intervals and design effects, tests against a baseline, and the runs it would take to tell a difference',
      )
      .requiredOption('--by <keys>', 'config keys to group by, comma-separated: llm.model or llm.model,llm.temperature')
      .option('--baseline <value>', 'the baseline group as printed (default: the group with most issues)')
      .option('--metric <metric>', `what ranks the groups: ${RANK_METRIC_NAMES.join(', ')} (default success)`),
    'runledger compare --by llm.model,llm.temperature --baseline "deepseek-chat, 0.7"',
  ).action(async (options: CompareCommandOptions) => (await analysis()).compareCommand(options));

  withCommon(
    program
      .command('influence')
      .description('which config keys matter: effect sizes on success and cost with intervals; confounded keys reported together'),
    'runledger influence',
  ).action(async (options: AnalysisOptions) => (await analysis()).influenceCommand(options));

  withCommon(
    program
      .command('cost')
      .description('cost per successful issue per group, most and least efficient; unpriced runs named, never $0')
      .option('--by <keys>', 'config keys to group by (default llm.model)'),
    'runledger cost --by llm.model',
  ).action(async (options: AnalysisOptions & { by?: string }) => (await analysis()).costCommand(options));

  withCommon(
    program
      .command('trends')
      .description('success rate and cost over time with a trend test and the slope interval')
      .option('--last <n>', 'only the last N runs'),
    'runledger trends --last 50',
  ).action(async (options: AnalysisOptions & { last?: string }) => (await analysis()).trendsCommand(options));

  withCommon(
    program
      .command('best')
      .description(
        'the best configuration, or "no clear winner" and the contenders: a 0-100 score on the lower end of the success interval, the Pareto front, P(best)',
      )
      .option('--by <keys>', 'config keys that make a configuration (default: every key that varies)'),
    'runledger best',
  ).action(async (options: AnalysisOptions & { by?: string }) => (await analysis()).bestCommand(options));

  registerSuggest(program, dirOption, analysis);

  withCommon(
    program
      .command('report')
      .description(
        'the full comparison report: models, temperatures, retries, influence, cost, trends, best; written to a file and printed',
      )
      .option('--format <format>', 'text, md, json or html (default text)', 'text')
      .option('--out <file>', 'where to write it (default <dir>/analysis.txt, .md, .json or .html)')
      .option('--last <n>', 'trends over the last N runs only'),
    'runledger report --format md --out analysis.md',
  ).action(async (options: ReportCommandOptions) => (await analysis()).reportCommand(options));
}

/** `runledger suggest`: its own options (no --resamples: it draws from posteriors, not a bootstrap). */
function registerSuggest(
  program: Command,
  dirOption: readonly [string, string],
  analysis: () => Promise<{ suggestCommand: (options: SuggestCommandOptions) => Promise<void> }>,
): void {
  program
    .command('suggest')
    .description(
      'which runs to make next: the next runs (or those a budget pays for) allocated where they decide which configuration is best; none for configurations clearly behind',
    )
    .option('--by <keys>', 'config keys that make a configuration (default: every key that varies)')
    .option('--runs <n>', 'how many runs to allocate (default: one per configuration)')
    .option('--budget <usd>', "allocate the runs whose cost fits this budget (each configuration's cost per run, with its uncertainty)")
    .option('--objective <objective>', `what best means: ${SUGGEST_OBJECTIVE_NAMES.join(', ')} (default success)`)
    .option(
      '--include <key=value,...>',
      'also a configuration never run, judged from the prior Beta(1, 1) (repeatable): llm.model=gpt-4o,llm.temperature=0.2',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--emit-env', 'print one line of RUNLEDGER_* variables (configFromEnv) per suggested run, for a shell loop or a CI matrix')
    .option(...dirOption)
    .option('--json', 'print the suggestion as JSON (documented in README "Analysis JSON")')
    .option('--seed <n>', 'seed of the posterior draws and simulated futures (default 1): the same seed gives the same suggestion')
    .option(...pricesAsOption)
    .option('--prices <file>', 'price override file for --prices-as current (default: RUNLEDGER_PRICES)')
    .addHelpText(
      'after',
      '\nReplays first (incrementally), then analyses the finished runs. Nothing is suggested when one configuration is already best with probability ≥ 0.95 and `best` agrees.\n\n' +
        'Examples:\n  $ runledger suggest --runs 12\n  $ runledger suggest --budget 25 --objective cost-per-success\n' +
        '  $ runledger suggest --runs 6 --emit-env | while IFS= read -r vars; do (eval "export $vars"; ./my-supervisor); done',
    )
    .action(async (options: SuggestCommandOptions) => (await analysis()).suggestCommand(options));
}
