import { listRunIds, verifyRun, type RunVerification } from '../audit/verify-runs.js';
import { assertRunId, resolveLogsDir } from '../journal/paths.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';

interface VerifyReport {
  readonly dir: string;
  readonly ok: boolean;
  readonly counts: { readonly intact: number; readonly tornTail: number; readonly corrupt: number; readonly refused: number };
  readonly runs: readonly RunVerification[];
}

function verifyRuns(dir: string, runIds: readonly string[]): VerifyReport {
  for (const runId of runIds) assertRunId(runId);
  const ids = runIds.length > 0 ? runIds : listRunIds(dir);
  const runs = ids.map((runId) => {
    const verification = verifyRun(dir, runId);
    if (verification.verdict === 'missing')
      throw new UsageError(`run ${runId} has no journal at ${verification.path}; check the run id and --dir`);
    return verification;
  });
  const count = (verdict: RunVerification['verdict']): number => runs.filter((r) => r.verdict === verdict).length;
  return {
    dir,
    ok: count('corrupt') === 0 && count('refused') === 0,
    counts: { intact: count('intact'), tornTail: count('torn-tail'), corrupt: count('corrupt'), refused: count('refused') },
    runs,
  };
}

function formatVerifyReport(report: VerifyReport): string {
  const lines = [`Verified ${report.runs.length} run${report.runs.length === 1 ? '' : 's'} in ${report.dir}`];
  for (const run of report.runs) {
    if (run.verdict === 'refused') {
      lines.push(`  REFUSED  ${run.runId}: ${run.refusal ?? 'not read'}`);
    } else if (run.verdict === 'intact') {
      lines.push(`  ok       ${run.runId}: ${run.events} events, chain intact`);
    } else if (run.tornTail) {
      const t = run.tornTail;
      lines.push(
        `  torn     ${run.runId}: ${run.events} events intact; torn tail at byte ${t.offset} (${t.bytes} bytes from line ${t.line}: ${t.problem}). ` +
          'An append was cut short by a crash; nothing after it verifies. Resuming the run quarantines it.',
      );
    } else if (run.corruption) {
      const c = run.corruption;
      const after = c.verifiedAfter
        ? `; line ${c.verifiedAfter.line} (byte ${c.verifiedAfter.offset}, seq ${c.verifiedAfter.seq}) verifies after it, so this is not a torn tail`
        : '';
      lines.push(`  CORRUPT  ${run.runId}: line ${c.line} at byte ${c.offset}: ${c.problem}${after}`);
    }
  }
  const { intact, tornTail, corrupt, refused } = report.counts;
  lines.push(`${intact} intact, ${tornTail} with a torn tail, ${corrupt} corrupt${refused > 0 ? `, ${refused} refused` : ''}`);
  return lines.join('\n');
}

export interface VerifyOptions {
  dir?: string;
  json?: boolean;
}

export function verifyCommand(runIds: string[], options: VerifyOptions): void {
  const report = verifyRuns(resolveLogsDir(options.dir), runIds);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatVerifyReport(report)}\n`);
  process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
}
