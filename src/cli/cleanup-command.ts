import type { Command } from 'commander';
import { cleanupRuns, parseDuration, type CleanupReport } from '../../replay/cleanup.js';
import { resolveLogsDir } from '../journal/paths.js';
import { UsageError } from './exit-codes.js';

function formatCleanupReport(report: CleanupReport): string {
  const verb = report.dryRun ? 'Would remove' : 'Removed';
  const lines = [`${verb} ${report.removed.length} run(s) from ${report.dir}; ${report.kept} kept.`];
  for (const run of report.removed) lines.push(`  ${report.dryRun ? 'would remove' : 'removed'}  ${run.runId} (last event ${run.lastEventAt ?? 'unknown'})`);
  for (const run of report.skipped) lines.push(`  skipped       ${run.runId}: ${run.reason}`);
  return lines.join('\n');
}

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description("remove finished runs' journals and derived files by age or count, then rewrite the tables; never a run with a live writer")
    .option('--dir <dir>', 'logs folder (default: RUNLEDGER_DIR or ./logs)')
    .option('--older-than <age>', 'remove runs whose last event is older than this: 30d, 12h, 90m, 2w')
    .option('--keep-last <n>', 'keep the N most recently started runs')
    .option('--dry-run', 'only say what would be removed')
    .option('--force', 'also remove runs that are not fully shipped yet when the folder is shipped (runledger ship)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nWith both --older-than and --keep-last, a run is removed only when both say so.\nCorrupt journals are never removed. When the folder is shipped (runledger ship),\na run is removed only once it is wholly on the stream, unless --force.\n\nExample:\n  $ runledger cleanup --older-than 30d --dry-run')
    .action(async (options: { dir?: string; olderThan?: string; keepLast?: string; dryRun?: boolean; force?: boolean; json?: boolean }) => {
      if (options.olderThan === undefined && options.keepLast === undefined) throw new UsageError('cleanup needs --older-than AGE or --keep-last N (it never removes everything by default)');
      const olderThanMs = options.olderThan === undefined ? undefined : parseDuration(options.olderThan);
      if (olderThanMs === null) throw new UsageError(`--older-than ${JSON.stringify(options.olderThan)} is not an age; use a number with w, d, h, m or s, e.g. 30d`);
      const keepLast = options.keepLast === undefined ? undefined : Number(options.keepLast);
      if (keepLast !== undefined && (!Number.isInteger(keepLast) || keepLast < 0)) throw new UsageError(`--keep-last ${JSON.stringify(options.keepLast)} is not a whole number >= 0`);
      const report = await cleanupRuns({ dir: resolveLogsDir(options.dir), olderThanMs, keepLast, dryRun: options.dryRun, force: options.force });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCleanupReport(report)}\n`);
    });
}
