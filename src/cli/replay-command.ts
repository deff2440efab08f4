import { replay, type ReplayReport } from '../../replay/replay.js';
import type { CentralReplayReport } from '../central/central-replay.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';
import { assertWritableLogsDir, existingLogsDir, logsDirToCreate } from './logs-dir.js';
import { printable } from '../errors.js';
import { pricingOf } from './pricing-options.js';
import type { RepricedCostsReport } from '../../replay/repriced-costs.js';

function formatReplayReport(report: ReplayReport): string {
  const count = (kind: string): number => report.runs.filter((r) => r.outcome === kind).length;
  const lines = [
    `Replayed ${report.dir}: ${count('replayed')} run(s) brought up to date, ${count('unchanged')} unchanged, ${count('refused')} refused, ${count('empty')} without events.`,
  ];
  for (const run of report.runs) {
    if (run.refused?.line === 0)
      lines.push(
        `  REFUSED  ${run.runId}: ${run.refused.problem}; runledger never follows a symbolic link for a run and reads only regular files.`,
      );
    else if (run.refused)
      lines.push(
        `  REFUSED  ${run.runId}: corrupt at line ${run.refused.line} (byte ${run.refused.offset}): ${printable(run.refused.problem)}. Its derived files were removed; see "runledger verify ${run.runId}".`,
      );
    else if (run.tornTail)
      lines.push(`  torn     ${run.runId}: torn tail at byte ${run.tornTail.offset} (${run.tornTail.bytes} bytes), flagged on the run`);
  }
  lines.push(`Tables in ${report.dir}/csv: ${report.tables.map((t) => `${t.file} (${t.rows} rows)`).join(', ')}`);
  if (report.tablesLaggedSince)
    lines.push(
      `  The tables had lagged behind the runs since ${report.tablesLaggedSince} (live updates assemble them at most every liveTablesEveryMs); now current.`,
    );
  return lines.join('\n');
}

function formatCentralReport(report: CentralReplayReport): string {
  const lines = [
    `Mirrored stream ${report.stream} into ${report.dir}: ${report.messages} message(s), stream seq ${report.fromStreamSeq} -> ${report.toStreamSeq}.`,
  ];
  for (const refused of report.refused) lines.push(`  REFUSED  ${printable(refused.reason)}`);
  if (report.replay) lines.push(formatReplayReport(report.replay));
  return lines.join('\n');
}

export interface ReplayCommandOptions {
  dir?: string;
  full?: boolean;
  from?: string;
  stream: string;
  json?: boolean;
  pricesAs?: string;
  prices?: string;
  out?: string;
}

const dollars = (x: number): string => `$${x.toFixed(4)}`;

function formatRepriced(r: RepricedCostsReport): string {
  const table = r.table
    ? `${r.table.package} ${r.table.version}${r.table.overrideFile ? ` and ${r.table.overrideFile}` : ''}`
    : "today's table";
  return (
    `Re-priced ${r.runs} run(s) with ${table} (--prices-as current): recorded ${dollars(r.recorded.knownCostUsd)} ` +
    `(${r.recorded.unpricedRecords} unpriced token record(s)), now ${dollars(r.current.knownCostUsd)} (${r.current.unpricedRecords} unpriced).\n` +
    `Written to ${r.file}, each run's recorded cost beside its current one; the tables in csv/ and the journals keep the recorded costs.`
  );
}

export async function replayCommand(runIds: string[], options: ReplayCommandOptions): Promise<void> {
  const pricing = pricingOf(options);
  if (options.out !== undefined && pricing.pricesAs !== 'current')
    throw new UsageError('--out names the re-priced costs file: it needs --prices-as current');
  if (options.from !== undefined && pricing.pricesAs === 'current')
    throw new UsageError('--prices-as current re-prices a local logs folder: run it on the central folder after replay --from');
  if (options.from !== undefined) {
    if (runIds.length > 0) throw new UsageError('replay --from mirrors the whole stream: give no run ids');
    // NATS is loaded for central replay only.
    const { replayFromStream } = await import('../central/central-replay.js');
    const report = await replayFromStream({
      dir: logsDirToCreate(options.dir),
      servers: options.from,
      stream: options.stream,
      progress: !options.json,
    });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCentralReport(report)}\n`);
    process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
    return;
  }
  const dir = existingLogsDir(options.dir);
  assertWritableLogsDir(dir, 'replay');
  const report = await replay({
    dir,
    runIds: runIds.length > 0 ? runIds : undefined,
    full: options.full,
    progress: !options.json,
  });
  // Re-pricing reads the journals with the event schemas: loaded only when asked for.
  const repriced =
    pricing.pricesAs === 'current'
      ? await (await import('../../replay/repriced-costs.js')).writeRepricedCosts({ dir, runIds, prices: pricing.prices, out: options.out })
      : null;
  process.stdout.write(
    options.json
      ? `${JSON.stringify(repriced ? { ...report, repriced } : report, null, 2)}\n`
      : `${formatReplayReport(report)}\n${repriced ? `${formatRepriced(repriced)}\n` : ''}`,
  );
  process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
}
