import type { Command } from 'commander';
import { replay, type ReplayReport } from '../../replay/replay.js';
import { resolveLogsDir } from '../journal/paths.js';
import { EXIT_FINDINGS, EXIT_OK } from './exit-codes.js';

export function formatReplayReport(report: ReplayReport): string {
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

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('rebuild the read models, the JSON reports and the seven CSV tables from the journals (incrementally)')
    .argument('[runIds...]', 'runs to bring up to date (default: all; the tables always hold every run)')
    .option('--dir <dir>', 'logs folder (default: RUNLEDGER_DIR or ./logs)')
    .option('--full', 'ignore checkpoints and read every journal from its first byte')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit codes: 0 done, 1 a run was refused (corrupt journal), 2 usage error.\n\nExample:\n  $ runledger replay --dir logs')
    .action(async (runIds: string[], options: { dir?: string; full?: boolean; json?: boolean }) => {
      const report = await replay({ dir: resolveLogsDir(options.dir), runIds: runIds.length > 0 ? runIds : undefined, full: options.full, progress: !options.json });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReplayReport(report)}\n`);
      process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
    });
}
