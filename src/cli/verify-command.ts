import fs from 'node:fs';
import path from 'node:path';
import { listRunIds, verifyRun, type RunVerification } from '../audit/verify-runs.js';
import { printable } from '../errors.js';
import { assertRunId, isValidRunId, JOURNAL_FILE } from '../journal/paths.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './exit-codes.js';
import { existingLogsDir } from './logs-dir.js';

interface VerifyReport {
  readonly dir: string;
  readonly ok: boolean;
  readonly counts: { readonly intact: number; readonly tornTail: number; readonly corrupt: number; readonly refused: number };
  readonly runs: readonly RunVerification[];
  /** Journals verify could not check: a folder name that is not a run id, a journal that is not a file. */
  readonly unchecked: readonly Unchecked[];
}

interface Unchecked {
  readonly folder: string;
  readonly path: string;
  readonly problem: string;
}

/** Why verify cannot check the journal in runs/<folder>, or null when it can (or there is none). */
function uncheckable(dir: string, folder: string): Unchecked | null {
  const journal = path.join(dir, 'runs', folder, JOURNAL_FILE);
  const stat = fs.statSync(journal, { throwIfNoEntry: false });
  if (stat === undefined) return null;
  if (!isValidRunId(folder))
    return {
      folder,
      path: journal,
      problem: 'the folder name is not a run id (1-128 characters of A-Z a-z 0-9 . _ -), so it holds no run: rename it to its run id',
    };
  // A journal that is not a regular file (a folder, a FIFO, a link) is the reader's to refuse: verify shows it REFUSED.
  return null;
}

function listUncheckable(dir: string): Unchecked[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(dir, 'runs'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
  return names
    .sort()
    .map((name) => uncheckable(dir, name))
    .filter((u) => u !== null);
}

function verifyRuns(dir: string, runIds: readonly string[]): VerifyReport {
  for (const runId of runIds) assertRunId(runId);
  const unchecked = runIds.length > 0 ? runIds.map((runId) => uncheckable(dir, runId)).filter((u) => u !== null) : listUncheckable(dir);
  const skip = new Set(unchecked.map((u) => u.folder));
  const ids = (runIds.length > 0 ? runIds : listRunIds(dir)).filter((runId) => !skip.has(runId));
  const runs = ids.map((runId) => {
    const verification = verifyRun(dir, runId);
    if (verification.verdict === 'missing')
      throw new UsageError(`run ${runId} has no journal at ${verification.path}; check the run id and --dir`);
    return verification;
  });
  const count = (verdict: RunVerification['verdict']): number => runs.filter((r) => r.verdict === verdict).length;
  return {
    dir,
    ok: count('corrupt') === 0 && count('refused') === 0 && unchecked.length === 0,
    counts: { intact: count('intact'), tornTail: count('torn-tail'), corrupt: count('corrupt'), refused: count('refused') },
    runs,
    unchecked,
  };
}

function formatVerifyReport(report: VerifyReport): string {
  const lines = [`Verified ${report.runs.length} run${report.runs.length === 1 ? '' : 's'} in ${report.dir}`];
  for (const run of report.runs) {
    if (run.verdict === 'refused') {
      lines.push(`  REFUSED  ${run.runId}: ${printable(run.refusal ?? 'not read')}`);
    } else if (run.verdict === 'intact') {
      lines.push(`  ok       ${run.runId}: ${run.events} events, chain intact`);
    } else if (run.tornTail) {
      const t = run.tornTail;
      lines.push(
        `  torn     ${run.runId}: ${run.events} events intact; torn tail at byte ${t.offset} (${t.bytes} bytes from line ${t.line}: ${printable(t.problem)}). ` +
          'An append was cut short by a crash; nothing after it verifies. Resuming the run quarantines it.',
      );
    } else if (run.corruption) {
      const c = run.corruption;
      const after = c.verifiedAfter
        ? `; line ${c.verifiedAfter.line} (byte ${c.verifiedAfter.offset}, seq ${c.verifiedAfter.seq}) verifies after it, so this is not a torn tail`
        : '';
      lines.push(`  CORRUPT  ${run.runId}: line ${c.line} at byte ${c.offset}: ${printable(c.problem)}${after}`);
    }
  }
  for (const u of report.unchecked) lines.push(`  UNCHECKED runs/${printable(u.folder)}/${JOURNAL_FILE}: ${u.problem}`);
  const { intact, tornTail, corrupt, refused } = report.counts;
  const refusedText = refused > 0 ? `, ${refused} refused` : '';
  const uncheckedText = report.unchecked.length > 0 ? `, ${report.unchecked.length} not checked` : '';
  lines.push(`${intact} intact, ${tornTail} with a torn tail, ${corrupt} corrupt${refusedText}${uncheckedText}`);
  return lines.join('\n');
}

export interface VerifyOptions {
  dir?: string;
  json?: boolean;
}

export function verifyCommand(runIds: string[], options: VerifyOptions): void {
  const report = verifyRuns(existingLogsDir(options.dir), runIds);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatVerifyReport(report)}\n`);
  process.exitCode = report.ok ? EXIT_OK : EXIT_FINDINGS;
}
