import path from 'node:path';
import { InvalidRunIdError, LogsDirError } from '../errors.js';

const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Refuses any run id that could leave the runs folder or is not portable, before anything touches disk. */
export function assertRunId(runId: unknown): asserts runId is string {
  if (typeof runId !== 'string') throw new InvalidRunIdError(runId, 'it is not a string');
  if (runId.length === 0) throw new InvalidRunIdError(runId, 'it is empty');
  if (runId.length > 128) throw new InvalidRunIdError(runId, `it is ${runId.length} characters long`);
  if (runId === '.' || runId === '..') throw new InvalidRunIdError(runId, 'it names a folder itself');
  if (!RUN_ID.test(runId)) {
    const bad = [...runId].find((ch) => !/[A-Za-z0-9._-]/.test(ch)) ?? '';
    throw new InvalidRunIdError(runId, `it contains ${JSON.stringify(bad)}`);
  }
}

export function isValidRunId(runId: unknown): runId is string {
  return typeof runId === 'string' && RUN_ID.test(runId) && runId !== '.' && runId !== '..';
}

/**
 * The logs folder: an explicit option, else RUNLEDGER_DIR, else ./logs. An empty one is refused:
 * it would silently mean the current folder.
 */
export function resolveLogsDir(dir?: string): string {
  if (dir === '') throw new LogsDirError('""', 'the folder given is empty; give a path, or leave the option out for ./logs');
  const fromEnv = process.env.RUNLEDGER_DIR;
  if (dir === undefined && fromEnv === '')
    throw new LogsDirError('""', 'RUNLEDGER_DIR is set but empty; unset it for ./logs, or give it a path');
  return path.resolve(dir ?? fromEnv ?? 'logs');
}

export interface RunPaths {
  readonly logsDir: string;
  readonly runsDir: string;
  readonly runDir: string;
  readonly journal: string;
  readonly lock: string;
  readonly quarantineDir: string;
}

export const JOURNAL_FILE = 'events.ndjson';

export function runPaths(logsDir: string, runId: string): RunPaths {
  assertRunId(runId);
  const runsDir = path.join(logsDir, 'runs');
  const runDir = path.join(runsDir, runId);
  return {
    logsDir,
    runsDir,
    runDir,
    journal: path.join(runDir, JOURNAL_FILE),
    lock: path.join(runDir, 'writer.lock'),
    quarantineDir: path.join(runDir, 'quarantine'),
  };
}
