import { shipJournals, type ShipReport } from '../ship/shipper.js';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes.js';
import { logsDirToCreate } from './logs-dir.js';
import { printable } from '../errors.js';
import { BOUNDS, wholeNumber } from './numbers.js';

function formatShipReport(report: ShipReport, signal: string | null): string {
  const published = report.runs.reduce((n, r) => n + r.published, 0);
  const counts = `${published} line(s) published, ${report.runs.length} run(s) looked at`;
  const lines = [
    report.interrupted
      ? `Stopped by ${signal ?? 'a signal'} before everything in ${report.dir} was shipped to stream ${report.stream}: ${counts}; run it again to ship the rest.`
      : `Shipped ${report.dir} to stream ${report.stream}: ${counts}.`,
  ];
  for (const run of report.runs) {
    if (run.problem) lines.push(`  NOT SHIPPED PAST seq ${run.shippedSeq}  ${run.runId}: ${printable(run.problem.message)}`);
  }
  return lines.join('\n');
}

export interface ShipCommandOptions {
  to: string;
  dir?: string;
  stream: string;
  replicas: string;
  once?: boolean;
  json?: boolean;
}

export async function shipCommand(options: ShipCommandOptions): Promise<void> {
  const replicas = wholeNumber('--replicas', options.replicas, BOUNDS.replicas);
  const stop = new AbortController();
  let signalled: string | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled = signal;
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await shipJournals({
      dir: logsDirToCreate(options.dir),
      servers: options.to,
      stream: options.stream,
      replicas,
      once: options.once,
      signal: stop.signal,
    });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatShipReport(report, signalled)}\n`);
    process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
