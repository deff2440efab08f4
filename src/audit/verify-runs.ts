import fs from 'node:fs';
import { UnsafeRunPathError } from '../errors.js';
import { checkJournalEvent } from '../../events/registry.js';
import { scanJournal, type ScanResult } from '../journal/reader.js';
import { isValidRunId, runPaths } from '../journal/paths.js';

/** `refused`: the run folder is a symbolic link, or the journal is a link or not a regular file; it was not read. */
export type RunVerdict = 'intact' | 'torn-tail' | 'corrupt' | 'missing' | 'refused';

export interface RunVerification {
  readonly runId: string;
  readonly path: string;
  readonly verdict: RunVerdict;
  readonly events: number;
  readonly bytes: number;
  /** Torn tail: where it starts and how long it is. */
  readonly tornTail: { readonly offset: number; readonly bytes: number; readonly line: number; readonly problem: string } | null;
  /** Corruption: the first damaged line, and the later line that proves it is not a torn tail. */
  readonly corruption: {
    readonly line: number;
    readonly offset: number;
    readonly problem: string;
    readonly verifiedAfter: { readonly line: number; readonly offset: number; readonly seq: number } | null;
  } | null;
  /** Why a run was refused unread (verdict `refused`). */
  readonly refusal?: string;
}

/** Lists the run ids that have a journal under `logsDir/runs`, sorted. */
export function listRunIds(logsDir: string): string[] {
  const runsDir = `${logsDir}/runs`;
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // A link or a FIFO is listed too (existsSync follows and never opens): verifyRun refuses it by name.
  return names.filter((name) => isValidRunId(name) && fs.existsSync(runPaths(logsDir, name).journal)).sort();
}

export function verifyRun(logsDir: string, runId: string): RunVerification {
  const { journal } = runPaths(logsDir, runId);
  if (!fs.existsSync(journal)) {
    return { runId, path: journal, verdict: 'missing', events: 0, bytes: 0, tornTail: null, corruption: null };
  }
  try {
    return toVerification(scanJournal(journal, { runId, checkEvent: checkJournalEvent }));
  } catch (error) {
    if (!(error instanceof UnsafeRunPathError)) throw error;
    return { runId, path: journal, verdict: 'refused', events: 0, bytes: 0, tornTail: null, corruption: null, refusal: error.message };
  }
}

export function toVerification(scan: ScanResult): RunVerification {
  const base = { runId: scan.runId, path: scan.path, events: scan.entries, bytes: scan.size };
  const { tail } = scan;
  switch (tail.kind) {
    case 'clean':
      return { ...base, verdict: 'intact', tornTail: null, corruption: null };
    case 'torn':
      return {
        ...base,
        verdict: 'torn-tail',
        corruption: null,
        tornTail: { offset: tail.offset, bytes: tail.bytes, line: tail.damage.line, problem: tail.damage.problem },
      };
    case 'corrupt':
      return { ...base, verdict: 'corrupt', tornTail: null, corruption: { ...tail.damage, verifiedAfter: tail.verifiedAfter } };
  }
}
