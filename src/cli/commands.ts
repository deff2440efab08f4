import type { Command } from 'commander';
import { DEFAULT_BODY_LIMIT, DEFAULT_HOST, DEFAULT_PORT, TOKEN_ENV } from '../serve/defaults.js';
import { DEFAULT_STREAM } from '../ship/subject.js';
import { registerAnalysis, pricesAsOption } from './commands-analysis.js';
import { IMPORT_FORMATS, RUN_STATUSES } from './choices.js';
import type { CleanupCommandOptions } from './cleanup-command.js';
import type { GitMetricsCommandOptions } from './git-metrics-command.js';
import type { MetricsCommandOptions } from './metrics-command.js';
import type { ImportCommandOptions } from './import-command.js';
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
    .option(
      '--prices-as <how>',
      "recorded (default); current: also write each run's cost priced with today's table and --prices beside its recorded cost, to --out (logs/csv and the journals keep the recorded costs)",
    )
    .option('--prices <file>', 'price override file for --prices-as current (default: RUNLEDGER_PRICES)')
    .option('--out <file>', 'where --prices-as current writes its CSV (default <dir>/repriced-costs.csv)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 a run was refused (corrupt journal, or a broken chain or a duplicate run id on the stream), 2 usage error.\n\n' +
        'Examples:\n  $ runledger replay --dir logs\n  $ runledger replay --prices-as current --prices my-prices.json\n  $ runledger replay --from nats://10.0.0.1:4222 --stream RUNLEDGER --dir central-logs',
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

  program
    .command('import')
    .description(
      "turn another harness's results into ordinary run journals (hash-chained, verifiable, comparable), without re-running anything",
    )
    .argument('<format>', `the source's format: ${IMPORT_FORMATS.join(', ')}`)
    .argument('<paths...>', 'files or folders to import (see README "Importing runs" for what each format takes)')
    .option(...dirOption)
    .option('--project <id>', 'project id of the imported runs (default: the format name)')
    .option(
      '--config <key=value>',
      'a config value the source does not carry, or a correction (repeatable): llm.temperature=0 or agent=my-agent',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--force', 'import again a source already imported, as a new run')
    .option('--results <file>', 'a results file to join (swe-agent trajectories with a SWE-bench report)')
    .option('--prices <file>', 'price override file (default: RUNLEDGER_PRICES)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      "\nA run id derives from its source's SHA-256: importing the same source again names the run that holds it.\n" +
        'Each run is written whole or not at all; a source that cannot be read is named with its line and nothing of it is written.\n\n' +
        'Exit codes: 0 done, 1 a source was refused (the count is printed), 2 usage error.\n\n' +
        'Example:\n  $ runledger import aider tmp.benchmarks/2026-01-10-09-30-00--sonnet-diff --dir logs',
    )
    .action(async (format: string, paths: string[], options: ImportCommandOptions) =>
      (await import('./import-command.js')).importCommand(format, paths, options),
    );

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
    .command('git-metrics')
    .description(
      'files created, modified and deleted and lines added and removed between two commits, as JSON: what codeMetricsFromGit gives finalizeIssue',
    )
    .argument('<range>', '<base>..<head>, <base>...<head> (from their merge base) or <base> (to HEAD)')
    .option('--cwd <dir>', 'the repository (default: the current folder)')
    .option('--files', 'also every file behind the figures: status, paths, lines, binary; and the commit ids compared')
    .addHelpText(
      'after',
      '\nRenames are followed (a moved file is modified; its lines count only its edits); binary files count as files, not lines.\n' +
        'Only commits are compared: commit the work first (uncommitted and untracked files are in no commit).\n\n' +
        'Exit codes: 0 done, 2 not a repository, an unknown commit, git missing, a bad range.\n\n' +
        'Examples:\n  $ runledger git-metrics main..HEAD\n  $ runledger git-metrics main...feature/login --cwd ../work --files',
    )
    .action(async (range: string, options: GitMetricsCommandOptions) =>
      (await import('./git-metrics-command.js')).gitMetricsCommand(range, options),
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
    .option('--no-metrics', 'no GET /metrics (Prometheus) route')
    .option('--metrics-refresh-ms <ms>', 'once /metrics is scraped: pause between two refreshes from the journals', '15000')
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

  program
    .command('metrics')
    .description("serve a logs folder's runs as Prometheus metrics (GET /metrics), kept current from the journals")
    .option(...dirOption)
    .option('--listen <[host]:port>', 'where to listen; an empty host is every interface (:9464)', '127.0.0.1:9464')
    .option('--token-file <file>', `bearer token scrapers must send (default: ${TOKEN_ENV}, else none)`)
    .option('--refresh-ms <ms>', 'pause between two refreshes from the journals (each replays incrementally)', '15000')
    .option('--max-label-values <n>', 'most values of the model, tool and agent_type labels; the rest are "other"', '30')
    .option('--once', 'print the exposition once on stdout and exit (for promtool or a textfile collector)')
    .addHelpText(
      'after',
      '\nMetric names, labels and a Grafana dashboard: README "Prometheus metrics".\n\n' +
        'Examples:\n  $ runledger metrics --dir logs --listen :9464\n  $ runledger metrics --dir logs --once | promtool check metrics',
    )
    .action(async (options: MetricsCommandOptions) => (await import('./metrics-command.js')).metricsCommand(options));
}
