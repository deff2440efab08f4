import { cleanupRuns, parseDuration, type CleanupReport } from '../cleanup/cleanup.js';
import { UsageError } from './exit-codes.js';
import { assertWritableLogsDir, existingLogsDir } from './logs-dir.js';
import { printable } from '../errors.js';
import { BOUNDS, optionalWholeNumber } from './numbers.js';

function formatCleanupReport(report: CleanupReport): string {
  const verb = report.dryRun ? 'Would remove' : 'Removed';
  const lines = [`${verb} ${report.removed.length} run(s) from ${report.dir}; ${report.kept} kept.`];
  for (const run of report.removed) {
    const crashed = run.crashed === null ? '' : `, ${printable(run.crashed)}`;
    lines.push(`  ${report.dryRun ? 'would remove' : 'removed'}  ${run.runId} (last event ${run.lastEventAt ?? 'unknown'}${crashed})`);
  }
  for (const run of report.skipped) lines.push(`  skipped       ${run.runId}: ${printable(run.reason)}`);
  return lines.join('\n');
}

export interface CleanupCommandOptions {
  dir?: string;
  olderThan?: string;
  keepLast?: string;
  dryRun?: boolean;
  force?: boolean;
  includeCrashed?: boolean;
  json?: boolean;
}

export async function cleanupCommand(options: CleanupCommandOptions): Promise<void> {
  if (options.olderThan === undefined && options.keepLast === undefined)
    throw new UsageError('cleanup needs --older-than AGE or --keep-last N (it never removes everything by default)');
  const olderThanMs = options.olderThan === undefined ? undefined : parseDuration(options.olderThan);
  if (olderThanMs === null)
    throw new UsageError(`--older-than ${JSON.stringify(options.olderThan)} is not an age; use a number with w, d, h, m or s, e.g. 30d`);
  const keepLast = optionalWholeNumber('--keep-last', options.keepLast, BOUNDS.keepLast);
  const dir = existingLogsDir(options.dir);
  assertWritableLogsDir(dir, 'cleanup');
  const report = await cleanupRuns({
    dir,
    olderThanMs,
    keepLast,
    dryRun: options.dryRun,
    force: options.force,
    includeCrashed: options.includeCrashed,
  });
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCleanupReport(report)}\n`);
}
