import { GENESIS_HASH } from '../journal/envelope.js';
import { CentralRunRefusedError } from '../errors.js';
import { checkLine } from '../journal/line.js';
import { isValidRunId } from '../journal/paths.js';
import type { CentralState, RefusedSubject } from './central-state.js';
import type { MirrorFiles } from './mirrored-journals.js';
import { verifyBatch } from './verify-batch.js';

/** What the mirror needs of a stream message (a JetStream message has it). */
export interface MirrorMessage {
  readonly subject: string;
  /** The stream sequence. */
  readonly seq: number;
  readonly data: Uint8Array;
}

/**
 * Per subject, the chunk's lines are checked against the run's chain and the verified ones
 * written (not yet synced); the state in memory follows. A line that does not verify refuses its
 * subject from there on: the run stays mirrored up to the line before.
 */
export function stageChunk(files: MirrorFiles, state: CentralState, chunk: readonly MirrorMessage[]): void {
  const bySubject = new Map<string, MirrorMessage[]>();
  for (const m of chunk) {
    const list = bySubject.get(m.subject);
    if (list) list.push(m);
    else bySubject.set(m.subject, [m]);
  }
  for (const [subject, msgs] of bySubject) {
    if (state.refused.has(subject)) continue;
    let run = state.runs.get(subject);
    if (!run) {
      const owner = ownerOf(subject, msgs[0]!, state);
      if (owner === null) continue;
      run = { runId: owner, subject, seq: 0, hash: GENESIS_HASH, offset: 0 };
    }
    const lines = msgs.length === 1 ? Buffer.from(msgs[0]!.data) : Buffer.concat(msgs.map((m) => m.data));
    const scan = verifyBatch(run.runId, run, lines);
    const good = scan.goodEnd - run.offset;
    if (good > 0) {
      files.append(run.runId, run.offset, lines.subarray(0, good));
      run = { ...run, seq: scan.lastSeq, hash: scan.lastHash, offset: scan.goodEnd };
      state.runs.set(subject, run);
      state.subjectOfRun.set(run.runId, subject);
    }
    if (scan.tail.kind !== 'clean') {
      // On the stream every message is a whole line: nothing is torn there, any damage is refused.
      const bad = msgs[scan.entries] ?? msgs.at(-1)!;
      const problem = scan.tail.damage.problem;
      refuse(state, {
        subject,
        runId: run.runId,
        streamSeq: bad.seq,
        reason: new CentralRunRefusedError(
          run.runId,
          `its line at stream seq ${bad.seq} (${subject}) does not continue its chain after seq ${run.seq}: ${problem}; mirrored up to seq ${run.seq} and not past it`,
        ).message,
      });
    }
  }
}

/** The run id a new subject carries, from its first line itself; null (and refused) if it cannot be taken. */
function ownerOf(subject: string, first: MirrorMessage, state: CentralState): string | null {
  const bytes = Buffer.from(first.data);
  const checked = checkLine(bytes.at(-1) === 0x0a ? bytes.subarray(0, -1) : bytes);
  if (!checked.ok || !isValidRunId(checked.value.runId)) {
    const why = checked.ok ? `run id ${JSON.stringify(checked.value.runId)} is not valid` : checked.problem;
    refuse(state, {
      subject,
      runId: null,
      streamSeq: first.seq,
      reason: `${subject}: its first message (stream seq ${first.seq}) is not a journal line (${why}); nothing of it is mirrored`,
    });
    return null;
  }
  const runId = checked.value.runId;
  const other = state.subjectOfRun.get(runId);
  if (other !== undefined) {
    refuse(state, {
      subject,
      runId,
      streamSeq: first.seq,
      reason: new CentralRunRefusedError(
        runId,
        `it arrives on ${subject} but ${other} already holds a run with this id (two runs with one id, from different projects or machines); the first is kept, this one is not merged into it`,
      ).message,
    });
    return null;
  }
  return runId;
}

function refuse(state: CentralState, refused: RefusedSubject): void {
  state.refused.set(refused.subject, refused);
}
