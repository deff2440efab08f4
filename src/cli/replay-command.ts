import type { Command } from 'commander';
import { replay, type ReplayReport } from '../../replay/replay.js';
import { replayFromStream, type CentralReplayReport } from '../central/central-replay.js';
import { resolveLogsDir } from '../journal/paths.js';
import { DEFAULT_STREAM } from '../ship/subject.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';

function formatReplayReport(report: ReplayReport): string {
  const count = (kind: string): number => report.runs.filter((r) => r.outcome === kind).length;
  const lines = [
    `Replayed ${report.dir}: ${count('replayed')} run(s) brought up to date, ${count('unchanged')} unchanged, ${count('refused')} refused, ${count('empty')} without events.`,
  ];
  for (const run of report.runs) {
    if (run.refused) lines.push(`  REFUSED  ${run.runId}: corrupt at line ${run.refused.line} (byte ${run.refused.offset}): ${run.refused.problem}. Its derived files were removed; see "runledger verify ${run.runId}".`);
    else if (run.tornTail) lines.push(`  torn     ${run.runId}: torn tail at byte ${run.tornTail.offset} (${run.tornTail.bytes} bytes), flagged on the run`);
  }
  lines.push(`Tables in ${report.dir}/csv: ${report.tables.map((t) => `${t.file} (${t.rows} rows)`).join(', ')}`);
  return lines.join('\n');
}

function formatCentralReport(report: CentralReplayReport): string {
  const lines = [`Mirrored stream ${report.stream} into ${report.dir}: ${report.messages} message(s), stream seq ${report.fromStreamSeq} -> ${report.toStreamSeq}.`];
  for (const refused of report.refused) lines.push(`  REFUSED  ${refused.reason}`);
  if (report.replay) lines.push(formatReplayReport(report.replay));
  return lines.join('\n');
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('rebuild the read models, the JSON reports and the seven CSV tables from the journals (incrementally)')
    .argument('[runIds...]', 'runs to bring up to date (default: all; the tables always hold every run)')
    .option('--dir <dir>', 'logs folder (default: RUNLEDGER_DIR or ./logs)')
    .option('--full', 'ignore checkpoints and read every journal from its first byte')
    .option('--from <servers>', 'central replay: mirror a JetStream stream (nats://host:port[,…]) into --dir, then replay it')
    .option('--stream <name>', 'the stream to read with --from', DEFAULT_STREAM)
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 a run was refused (corrupt journal, or a broken chain or a duplicate run id on the stream), 2 usage error.\n\n' +
        'Examples:\n  $ runledger replay --dir logs\n  $ runledger replay --from nats://10.0.0.1:4222 --stream RUNLEDGER --dir central-logs',
    )
    .action(async (runIds: string[], options: { dir?: string; full?: boolean; from?: string; stream: string; json?: boolean }) => {
      if (options.from !== undefined) {
        if (runIds.length > 0) throw new UsageError('replay --from mirrors the whole stream: give no run ids');
        const report = await replayFromStream({ dir: resolveLogsDir(options.dir), servers: options.from, stream: options.stream, progress: !options.json });
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCentralReport(report)}\n`);
        process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
        return;
      }
      const report = await replay({ dir: resolveLogsDir(options.dir), runIds: runIds.length > 0 ? runIds : undefined, full: options.full, progress: !options.json });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReplayReport(report)}\n`);
      process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
    });
}
