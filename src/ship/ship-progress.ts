import fs from 'node:fs';
import path from 'node:path';
import { removeFileDurably, writeFileAtomic, writeFileAtomicAsync } from '../durable/atomic-file.js';

/**
 * What the shipper records locally, under `<dir>/.ship/`: `target.json` says that the folder is
 * being shipped (and where), `runs/<runId>.json` how far each run is known to be on the stream.
 * The stream is the truth; these files trail it (written after the acks, not before) and serve
 * two readers: the shipper, as a hint of where to resume reading a journal, and `cleanup`,
 * which refuses to delete a run that is not shipped up to its last verified line.
 */
export interface ShipTarget {
  readonly servers: readonly string[];
  readonly stream: string;
  readonly since: string;
}

export interface RunShipProgress {
  readonly runId: string;
  readonly subject: string;
  readonly stream: string;
  /** The last journal line known to be on the stream (0: none). */
  readonly seq: number;
  readonly hash: string;
  /** Byte offsets of that line in the local journal: where it starts, and just after it. */
  readonly lineStart: number;
  readonly offset: number;
  /** Its sequence in the stream. */
  readonly streamSeq: number;
}

export function shipDir(logsDir: string): string {
  return path.join(logsDir, '.ship');
}

function targetFile(logsDir: string): string {
  return path.join(shipDir(logsDir), 'target.json');
}

function progressFile(logsDir: string, runId: string): string {
  return path.join(shipDir(logsDir), 'runs', `${runId}.json`);
}

export function writeShipTarget(logsDir: string, target: ShipTarget): void {
  writeFileAtomic(targetFile(logsDir), `${JSON.stringify(target)}\n`);
}

/** Null when the folder has never been shipped. */
export function readShipTarget(logsDir: string): ShipTarget | null {
  try {
    return JSON.parse(fs.readFileSync(targetFile(logsDir), 'utf8')) as ShipTarget;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Written like every derived file (temporary file, fsync, rename, folder fsync), with the fsyncs
 * asynchronous: the shipper records progress while its other runs keep publishing, and a
 * synchronous fsync would stall them all.
 */
export async function writeRunProgress(logsDir: string, progress: RunShipProgress): Promise<void> {
  await writeFileAtomicAsync(progressFile(logsDir, progress.runId), `${JSON.stringify(progress)}\n`);
}

/** Null when nothing of the run is recorded as shipped (or the file is unreadable: then nothing is assumed). */
export function readRunProgress(logsDir: string, runId: string): (RunShipProgress & { readonly recordedAtMs: number }) | null {
  try {
    const file = progressFile(logsDir, runId);
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as RunShipProgress;
    if (parsed.runId !== runId || !Number.isSafeInteger(parsed.seq) || !Number.isSafeInteger(parsed.offset)) return null;
    return { ...parsed, recordedAtMs: fs.statSync(file).mtimeMs };
  } catch {
    return null;
  }
}

export function removeRunProgress(logsDir: string, runId: string): void {
  removeFileDurably(progressFile(logsDir, runId));
}
