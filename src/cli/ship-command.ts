import type { Command } from 'commander';
import { shipJournals, type ShipReport } from '../ship/shipper.js';
import { DEFAULT_STREAM } from '../ship/subject.js';
import { resolveLogsDir } from '../journal/paths.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';

function formatShipReport(report: ShipReport): string {
  const published = report.runs.reduce((n, r) => n + r.published, 0);
  const lines = [`Shipped ${report.dir} to stream ${report.stream}: ${published} line(s) published, ${report.runs.length} run(s) looked at.`];
  for (const run of report.runs) {
    if (run.problem) lines.push(`  NOT SHIPPED PAST seq ${run.shippedSeq}  ${run.runId}: ${run.problem.message}`);
  }
  return lines.join('\n');
}

export function registerShip(program: Command): void {
  program
    .command('ship')
    .description('ship every journal (and every run that appears later) to a NATS JetStream stream, line by line, exactly once')
    .requiredOption('--to <servers>', 'nats://host:port, several separated by commas')
    .option('--dir <dir>', 'logs folder (default: RUNLEDGER_DIR or ./logs)')
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
    .action(async (options: { to: string; dir?: string; stream: string; replicas: string; once?: boolean; json?: boolean }) => {
      const replicas = Number(options.replicas);
      if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError(`--replicas ${JSON.stringify(options.replicas)} is not a whole number >= 1`);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await shipJournals({ dir: resolveLogsDir(options.dir), servers: options.to, stream: options.stream, replicas, once: options.once, signal: stop.signal });
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatShipReport(report)}\n`);
        process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });
}
