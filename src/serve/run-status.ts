import fs from 'node:fs';
import { checkJournalEvent, type RunEvent } from '../../events/registry.js';
import type { RunStatusRecorded } from '../../events/run.js';
import { toVerification, type RunVerification } from '../audit/verify-runs.js';
import { RunNotFoundError } from '../errors.js';
import { runPaths } from '../journal/paths.js';
import { scanJournal } from '../journal/reader.js';
import { DEFAULT_STALE_MS, isRunLocked } from '../journal/run-lock.js';

export interface RunStatus {
  readonly runId: string;
  /** Whether this server holds the run open (then it takes calls). */
  readonly open: boolean;
  /** running, or the status RunFinished recorded, or crashed (no RunFinished and no live writer). */
  readonly status: 'running' | RunStatusRecorded;
  /** Whether a RunFinished recorded `status` (after the last RunResumed). */
  readonly finishedRecorded: boolean;
  /** The seq of the last durable line. */
  readonly lastSeq: number;
  readonly verdict?: RunVerification['verdict'];
  readonly tornTail?: RunVerification['tornTail'];
  readonly corruption?: RunVerification['corruption'];
}

export function openRunStatus(runId: string, lastSeq: number): RunStatus {
  return { runId, open: true, status: 'running', finishedRecorded: false, lastSeq };
}

/** The status of a run this server does not hold open, read from its journal (docs/DESIGN.md rule 7). */
export function journalRunStatus(logsDir: string, runId: string): RunStatus {
  const paths = runPaths(logsDir, runId);
  if (!fs.existsSync(paths.journal)) throw new RunNotFoundError(runId, paths.journal);
  let finished: RunStatusRecorded | null = null;
  let staleMs = DEFAULT_STALE_MS;
  const scan = scanJournal(paths.journal, { runId, checkEvent: checkJournalEvent }, (entry) => {
    const event = { type: entry.type, data: entry.data } as RunEvent;
    if (event.type === 'RunFinished') finished = event.data.status;
    if (event.type === 'RunStarted' || event.type === 'RunResumed') {
      staleMs = event.data.lockStaleMs ?? DEFAULT_STALE_MS;
      if (event.type === 'RunResumed') finished = null;
    }
  });
  const verification = toVerification(scan);
  const status = finished ?? (isRunLocked(paths, staleMs) ? 'running' : 'crashed');
  return {
    runId,
    open: false,
    status,
    finishedRecorded: finished !== null,
    lastSeq: scan.lastSeq,
    verdict: verification.verdict,
    tornTail: verification.tornTail,
    corruption: verification.corruption,
  };
}
