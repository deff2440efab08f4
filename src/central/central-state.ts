import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../durable/atomic-file.js';

/** A run as mirrored from the stream: its subject and the verified end of its mirrored journal. */
interface MirroredRun {
  readonly runId: string;
  readonly subject: string;
  readonly seq: number;
  readonly hash: string;
  /** Bytes of the mirrored journal that verified. */
  readonly offset: number;
}

/** A subject whose lines are not mirrored (any more): a broken chain, or a run id another subject already has. */
export interface RefusedSubject {
  readonly subject: string;
  readonly runId: string | null;
  /** The stream sequence of the message that was refused. */
  readonly streamSeq: number;
  readonly reason: string;
}

export interface CentralState {
  readonly stream: string;
  /** Every stream message up to this sequence is mirrored (or refused). */
  streamSeq: number;
  /** By subject. */
  readonly runs: Map<string, MirroredRun>;
  /** Run id → the subject that holds it (derived from `runs`, not saved). */
  readonly subjectOfRun: Map<string, string>;
  readonly refused: Map<string, RefusedSubject>;
}

const STATE_VERSION = 1;

function centralStateFile(logsDir: string): string {
  return path.join(logsDir, '.central', 'state.json');
}

export function emptyCentralState(stream: string): CentralState {
  return { stream, streamSeq: 0, runs: new Map(), subjectOfRun: new Map(), refused: new Map() };
}

/** Null when the folder has never been filled from a stream. */
export function loadCentralState(logsDir: string): CentralState | null {
  let text: string;
  try {
    text = fs.readFileSync(centralStateFile(logsDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as { version: number; stream: string; streamSeq: number; runs: MirroredRun[]; refused: RefusedSubject[] };
  if (parsed.version !== STATE_VERSION) throw new Error(`${centralStateFile(logsDir)} has version ${parsed.version}, not ${STATE_VERSION}`);
  return {
    stream: parsed.stream,
    streamSeq: parsed.streamSeq,
    runs: new Map(parsed.runs.map((r) => [r.subject, r])),
    subjectOfRun: new Map(parsed.runs.map((r) => [r.runId, r.subject])),
    refused: new Map(parsed.refused.map((r) => [r.subject, r])),
  };
}

/** Written after the mirrored bytes are fsync'd: what it says is always on disk. */
export function saveCentralState(logsDir: string, state: CentralState): void {
  const bySubject = <T extends { subject: string }>(m: Map<string, T>): T[] =>
    [...m.values()].sort((a, b) => (a.subject < b.subject ? -1 : 1));
  writeFileAtomic(
    centralStateFile(logsDir),
    `${JSON.stringify({ version: STATE_VERSION, stream: state.stream, streamSeq: state.streamSeq, runs: bySubject(state.runs), refused: bySubject(state.refused) })}\n`,
  );
}
