import type { Command } from 'commander';
import { DEFAULT_BODY_LIMIT, DEFAULT_HOST, DEFAULT_PORT, TOKEN_ENV } from '../serve/defaults.js';
import { DEFAULT_STREAM } from '../ship/subject.js';
import type { AnalysisOptions, CompareCommandOptions, ReportCommandOptions } from './analysis-commands.js';
import { RANK_METRIC_NAMES, RUN_STATUSES } from './choices.js';
import type { CleanupCommandOptions } from './cleanup-command.js';
import type { PricesOptions } from './prices-command.js';
import type { ReplayCommandOptions } from './replay-command.js';
import type { RunsOptions } from './runs-command.js';
import type { ServeCommandOptions } from './serve-command.js';
import type { ShipCommandOptions } from './ship-command.js';
import type { ShowOptions } from './show-command.js';
import type { TailOptions } from './tail-command.js';
import type { VerifyOptions } from './verify-command.js';

/**
 * The CLI's commands: names, arguments, options and help, all static, so that `runledger --help`
 * and `runledger <command> --help` load nothing but commander. Each action imports its command's
 * implementation when it runs, and with it only what that command needs (fastify for serve,
 * NATS for ship, the analysis for compare...).
 */
// eslint-disable-next-line max-lines-per-function -- the CLI's command table: one static commander declaration per command
export function registerCommands(program: Command): void {
  const dirOption = ['--dir <dir>', 'logs folder (default: RUNLEDGER_DIR or ./logs)'] as const;

  program
    .command('runs')
    .description('list runs with status, configuration, issues, success and cost')
    .option(...dirOption)
    .option('--status <statuses>', `only these statuses, comma-separated: ${RUN_STATUSES.join(', ')}`)
    .option(
      '--config <key=value>',
      'only runs whose config has this value (repeatable): llm.model=gpt-4o',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--since <date>', 'only runs started at or after this date')
    .option('--until <date>', 'only runs started at or before this date')
    .option(...pricesAsOption)
    .option('--prices <file>', 'price override file for --prices-as current (default: RUNLEDGER_PRICES)')
    .option('--json', 'print the runs as JSON')
    .addHelpText(
      'after',
      '\nA run without RunFinished is "running" only while its writer holds a live lock, else "crashed".\n\nExample:\n  $ runledger runs --status crashed,interrupted --config llm.model=gpt-4o',
    )
    .action(async (options: RunsOptions) => (await import('./runs-command.js')).runsCommand(options));

  program
    .command('show')
    .description('the audited timeline of one run, event by event, with verification of its hash chain')
    .argument('<runId>', 'the run')
    .option(...dirOption)
    .option('--issue <id>', 'only the events of this issue')
    .option('--json', 'print the events and the verification as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 chain intact (or only a torn tail), 1 corruption, 2 usage error.\n\nExample:\n  $ runledger show run_20261126_101500_project_171_a1b2c3 --issue 3',
    )
    .action(async (runId: string, options: ShowOptions) => (await import('./show-command.js')).showCommand(runId, options));

  program
    .command('tail')
    .description('live events of a run as they are appended, like tail -f')
    .argument('<runId>', 'the run')
    .option(...dirOption)
    .option('-n, --lines <n>', 'how many of the existing events to print first', '10')
    .option('-f, --follow', 'keep printing events as they are appended (Ctrl-C to stop)')
    .option('--json', 'print events as NDJSON (one journal entry per line)')
    .addHelpText('after', '\nExample:\n  $ runledger tail run_20261126_101500_project_171_a1b2c3 --follow')
    .action(async (runId: string, options: TailOptions) => (await import('./tail-command.js')).tailCommand(runId, options));

  program
    .command('verify')
    .description('check every journal: hashes, chain, sequence, event schemas; report torn tails and corruption')
    .argument('[runIds...]', 'runs to check (default: all runs under --dir)')
    .option(...dirOption)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 all intact (or only torn tails), 1 corruption found or a journal that cannot be checked, 2 usage error.\n\nExample:\n  $ runledger verify --dir logs run_20261126_101500_demo_a1b2c3',
    )
    .action(async (runIds: string[], options: VerifyOptions) => (await import('./verify-command.js')).verifyCommand(runIds, options));

  program
    .command('replay')
    .description('rebuild the read models, the JSON reports and the seven CSV tables from the journals (incrementally)')
    .argument('[runIds...]', 'runs to bring up to date (default: all; the tables always hold every run)')
    .option(...dirOption)
    .option('--full', 'ignore checkpoints and read every journal from its first byte')
    .option('--from <servers>', 'central replay: mirror a JetStream stream (nats://host:port[,…]) into --dir, then replay it')
    .option('--stream <name>', 'the stream to read with --from', DEFAULT_STREAM)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 a run was refused (corrupt journal, or a broken chain or a duplicate run id on the stream), 2 usage error.\n\n' +
        'Examples:\n  $ runledger replay --dir logs\n  $ runledger replay --from nats://10.0.0.1:4222 --stream RUNLEDGER --dir central-logs',
    )
    .action(async (runIds: string[], options: ReplayCommandOptions) =>
      (await import('./replay-command.js')).replayCommand(runIds, options),
    );

  program
    .command('cleanup')
    .description(
      "remove finished runs' journals and derived files by age or count, then rewrite the tables; never a run with a live writer",
    )
    .option(...dirOption)
    .option('--older-than <age>', 'remove runs whose last event is older than this: 30d, 12h, 90m, 2w')
    .option('--keep-last <n>', 'keep the N most recently started runs')
    .option('--dry-run', 'only say what would be removed')
    .option('--force', 'also remove runs that are not fully shipped yet when the folder is shipped (runledger ship)')
    .option('--include-crashed', 'also remove crashed runs and runs with a torn tail (resumable; kept by default), listed first')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nWith both --older-than and --keep-last, a run is removed only when both say so.\nCorrupt journals are never removed; crashed and torn runs only with --include-crashed. When the folder is shipped (runledger ship),\na run is removed only once it is wholly on the stream, unless --force.\n\nExample:\n  $ runledger cleanup --older-than 30d --dry-run',
    )
    .action(async (options: CleanupCommandOptions) => (await import('./cleanup-command.js')).cleanupCommand(options));

  program
    .command('ship')
    .description('ship every journal (and every run that appears later) to a NATS JetStream stream, line by line, exactly once')
    .requiredOption('--to <servers>', 'nats://host:port, several separated by commas')
    .option(...dirOption)
    .option('--stream <name>', 'JetStream stream (created if missing)', DEFAULT_STREAM)
    .option('--replicas <n>', 'copies of each message when the stream is created (3 on a 3-node cluster)', '1')
    .option('--once', 'ship what is there and exit (for cron jobs); without it, follow until SIGINT/SIGTERM')
    .option('--json', 'print the final report as JSON')
    .addHelpText(
      'after',
      '\nEach journal line is published unchanged (newline included) on runledger.<stream>.<project>.<run>,\n' +
        'with message id <runId>:<seq> and the expected last subject sequence, so nothing lands twice.\n' +
        'A corrupt line is reported and never shipped past; a torn tail waits until it is a complete line.\n\n' +
        'Exit codes: 0 done, 1 a run could not be shipped in full (corrupt journal, conflict), 2 usage error.\n\n' +
        'Example:\n  $ runledger ship --to nats://10.0.0.1:4222,nats://10.0.0.2:4222,nats://10.0.0.3:4222 --replicas 3 --dir logs',
    )
    .action(async (options: ShipCommandOptions) => (await import('./ship-command.js')).shipCommand(options));

  registerAnalysis(program, dirOption);

  program
    .command('prices')
    .description('the price runledger would use for a model and where it comes from; --check lists models in the journals without a price')
    .argument('[model]', 'a model name, or provider:model')
    .option('--provider <provider>', 'the provider, when the model name alone is ambiguous')
    .option('--check', 'list every model seen in the journals that has no price now')
    .option('--prices <file>', 'a price override file (default RUNLEDGER_PRICES)')
    .option('--dir <dir>', 'logs folder, for --check (default: RUNLEDGER_DIR or ./logs)')
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 priced, 1 a model has no price, 2 usage error.\n\nExamples:\n  $ runledger prices deepseek-chat\n  $ runledger prices --check',
    )
    .action(async (model: string | undefined, options: PricesOptions) =>
      (await import('./prices-command.js')).pricesCommand(model, options),
    );

  program
    .command('serve')
    .description(
      'accept events from any language over HTTP: start runs, append calls (one or an NDJSON batch), finalize; answers only after fdatasync',
    )
    .option(...dirOption)
    .option('--host <host>', `address to listen on; anything but loopback needs a token`, DEFAULT_HOST)
    .option('--port <port>', `port to listen on; 0 picks a free one (printed)`, String(DEFAULT_PORT))
    .option('--token-file <file>', `bearer token clients must send (default: ${TOKEN_ENV}, else none on loopback)`)
    .option('--prices <file>', 'price override file for every run (default: RUNLEDGER_PRICES)')
    .option('--body-limit <bytes>', 'largest request body', String(DEFAULT_BODY_LIMIT))
    .option('--no-live-updates', 'do not rebuild derived files in the background when issues and runs finish')
    .option(
      '--run-attribute <name>',
      'OTLP traces (POST /v1/traces): the span or resource attribute naming the run (default: one run per trace)',
    )
    .option('--issue-attribute <name>', 'OTLP traces: the span or resource attribute naming the issue', 'runledger.issue_id')
    .addHelpText(
      'after',
      '\nOpenTelemetry GenAI spans: point an OTLP/HTTP exporter at http://HOST:PORT/v1/traces (README "OpenTelemetry in").\n' +
        '\nSIGINT/SIGTERM: stop accepting, finish requests in flight, record runs still open as "interrupted", exit.\n' +
        'API and a Python client: README "runledger serve".\n\nExample:\n  $ runledger serve --dir logs --port 7340\n  $ RUNLEDGER_SERVE_TOKEN=$(openssl rand -hex 32) runledger serve --host 0.0.0.0',
    )
    .action(async (options: ServeCommandOptions) => (await import('./serve-command.js')).serveCommand(options));
}

/** Re-pricing as a projection: the journals keep their recorded costs. */
export const pricesAsOption = [
  '--prices-as <how>',
  "recorded: costs as each token record was priced (default); current: every record priced again with today's table and --prices (the journals are not changed)",
] as const;

function registerAnalysis(program: Command, dirOption: readonly [string, string]): void {
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
