import fs from 'node:fs';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { GENESIS_HASH } from '../journal/envelope.js';
import { ShipConflictError } from '../errors.js';
import { checkLine } from '../journal/line.js';
import { runPaths } from '../journal/paths.js';
import { Backoff, sleep } from './backoff.js';
import { readJournalWindow, type JournalPosition, type VerifiedLine } from './journal-window.js';
import { readRunProgress, writeRunProgress, type RunShipProgress } from './ship-progress.js';
import { runSubject } from './subject.js';

export interface RunShipperContext {
  readonly logsDir: string;
  readonly stream: string;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Most bytes of journal read at once per run: what bounds memory. */
  readonly windowBytes: number;
  readonly publishTimeoutMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly signal: AbortSignal;
  /** Progress and problems meant for the operator. */
  readonly log: (message: string) => void;
  /** A failure talking to JetStream: the shipper will retry. */
  readonly trouble: (runId: string, what: string, error: unknown, retryInMs: number) => void;
}

export interface RunProblem {
  /** corrupt: a line does not verify; conflict: the stream holds other lines for the run; failed: reading the journal failed. */
  readonly kind: 'corrupt' | 'conflict' | 'failed';
  readonly message: string;
}

/** Where the stream is for this run: its last line (journal seq and hash) and that message's stream sequence. */
interface StreamPosition {
  readonly seq: number;
  readonly hash: string;
  readonly streamSeq: number;
}

interface LocalPosition extends JournalPosition {
  /** Where the line ending at `offset` starts (to re-check its hash later). */
  readonly lineStart: number;
}

const START: LocalPosition = { seq: 0, hash: GENESIS_HASH, offset: 0, lineStart: 0 };
const PROGRESS_EVERY_MS = 5000;

/**
 * Ships one run's journal: each verified line, unchanged, as one message on the run's subject,
 * in order, exactly once. Every publish carries the message id `<project>.<runId>:<seq>` and the expected
 * last sequence of the subject, so the stream itself refuses a line that would land twice or out
 * of order, whatever the duplicate window; after any doubt (a timeout, a lost connection, a
 * refused expectation) the shipper asks the stream for the subject's last message and goes on
 * after it. One publish in flight per run: the expected sequence of line n+1 is the stream
 * sequence that line n got.
 */
export class RunShipper {
  readonly journal: string;
  private subject: string | null = null;
  private local: LocalPosition = START;
  private onStream: StreamPosition | null = null;
  private problemFound: RunProblem | null = null;
  private finishedShipped = false;
  private windowBytes: number;
  private publishedCount = 0;
  /** A line to publish without its message id (the stream forgot the line but not the id). */
  private idlessSeq: number | null = null;
  private progressWritten: { seq: number; at: number } = { seq: -1, at: 0 };
  private readonly backoff: Backoff;

  constructor(
    readonly runId: string,
    private readonly ctx: RunShipperContext,
  ) {
    this.journal = runPaths(ctx.logsDir, runId).journal;
    this.windowBytes = ctx.windowBytes;
    this.backoff = new Backoff(ctx.backoff.initialMs, ctx.backoff.maxMs);
  }

  get problem(): RunProblem | null {
    return this.problemFound;
  }

  /** True once RunFinished is on the stream: nothing more will come. */
  get done(): boolean {
    return this.finishedShipped;
  }

  get published(): number {
    return this.publishedCount;
  }

  get shippedSeq(): number {
    return this.onStream?.seq ?? 0;
  }

  get subjectName(): string | null {
    return this.subject;
  }

  /** Whether the journal may hold lines not yet shipped (cheap: one stat). */
  mayHaveMore(): boolean {
    if (this.problemFound || this.finishedShipped) return false;
    if (this.onStream === null) return true;
    try {
      return fs.statSync(this.journal).size > this.local.offset;
    } catch {
      return false; // removed (cleanup): nothing to ship
    }
  }

  /** Ships every verified line there is now; returns when caught up, stopped, or a problem was found. */
  // eslint-disable-next-line complexity -- confirm what the stream has, publish what it lacks; each exit is its own reason to stop
  async shipAvailable(): Promise<void> {
    try {
      while (!this.ctx.signal.aborted && this.problemFound === null && !this.finishedShipped) {
        if (this.subject === null && !this.findSubject()) return;
        if (this.onStream === null && !(await this.syncWithStream(true))) return;
        const window = readJournalWindow(this.journal, this.runId, this.local, this.windowBytes);
        let resynced = false;
        for (const line of window.lines) {
          if (this.ctx.signal.aborted) return;
          if (line.seq <= this.onStream!.seq) {
            if (!this.confirm(line)) return;
          } else if (!(await this.publish(line))) {
            resynced = true;
            break;
          }
          this.advance(line);
          await this.maybeWriteProgress(false);
        }
        if (resynced) continue;
        if (window.tail.kind === 'corrupt' && window.lines.length === 0) {
          const d = window.tail.damage;
          this.fail(
            'corrupt',
            `corrupt journal at line ${d.line} (byte ${d.offset}): ${d.problem}; shipped up to seq ${this.shippedSeq} and not past it (see "runledger verify ${this.runId}")`,
          );
          return;
        }
        if (window.lines.length > 0) {
          this.windowBytes = this.ctx.windowBytes;
          continue;
        }
        if (window.capped) {
          this.windowBytes *= 2; // one line longer than the window: read it whole next time
          continue;
        }
        if (this.local.seq < this.onStream!.seq) {
          this.fail(
            'conflict',
            new ShipConflictError(
              this.runId,
              `the stream holds seq ${this.onStream!.seq} on ${this.subject}, but this journal ends at seq ${this.local.seq}`,
            ).message,
          );
        }
        return;
      }
    } catch (error) {
      // The run was removed meanwhile (cleanup): nothing left to ship. Anything else stops this run only.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.fail('failed', `reading ${this.journal} failed: ${(error as Error).message}`);
    } finally {
      await this.maybeWriteProgress(true);
    }
  }

  /** The subject needs the project id, from line 1 (RunStarted). False while there is no line 1 yet. */
  private findSubject(): boolean {
    let first: VerifiedLine | undefined;
    try {
      // Only line 1 is wanted: a small window, grown while it cuts that line.
      for (let bytes = 16 * 1024; ; bytes *= 2) {
        const window = readJournalWindow(this.journal, this.runId, START, bytes);
        first = window.lines[0];
        if (first !== undefined || !window.capped) break;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    if (first?.projectId == null) return false;
    this.subject = runSubject(this.ctx.stream, first.projectId, this.runId);
    return true;
  }

  /** A line the stream already holds is not published again; the last one's hash must be this journal's. */
  private confirm(line: VerifiedLine): boolean {
    if (line.seq === this.onStream!.seq && line.hash !== this.onStream!.hash) {
      this.fail(
        'conflict',
        new ShipConflictError(
          this.runId,
          `the stream's line seq ${line.seq} on ${this.subject} has another hash than this journal's (another run with the same id, or a rewritten journal)`,
        ).message,
      );
      return false;
    }
    return true;
  }

  private advance(line: VerifiedLine): void {
    this.local = { seq: line.seq, hash: line.hash, offset: line.end, lineStart: line.end - line.bytes.length };
    if (line.finished && this.onStream!.seq === line.seq) this.finishedShipped = true;
  }

  /** True when the line is on the stream now; false when the stream was asked again (go on from there). */
  private async publish(line: VerifiedLine): Promise<boolean> {
    const there = this.onStream!;
    try {
      const withId = this.idlessSeq !== line.seq;
      const ack = await this.ctx.js.publish(this.subject!, line.bytes, {
        ...(withId ? { msgID: this.msgId(line) } : {}),
        expect: { lastSubjectSequence: there.streamSeq },
        timeout: this.ctx.publishTimeoutMs,
      });
      if (ack.duplicate) {
        // Within the duplicate window, an earlier publish of this id landed: ask what is there.
        if ((await this.syncWithStream(false)) && this.onStream!.seq < line.seq) {
          // The stream remembers the id but no longer holds the line (purged, or lost in a power
          // cut before its fsync): publish it again without the id; the expected sequence still
          // keeps it from landing twice.
          this.ctx.log(
            `run ${this.runId}: message id ${this.msgId(line)} is in the stream's duplicate window but ${this.subject} holds only up to seq ${this.onStream!.seq}; publishing seq ${line.seq} again, guarded by the expected sequence`,
          );
          this.idlessSeq = line.seq;
        }
        return false;
      }
      this.onStream = { seq: line.seq, hash: line.hash, streamSeq: ack.seq };
      this.publishedCount += 1;
      this.backoff.reset();
      return true;
    } catch (error) {
      if (this.ctx.signal.aborted) return false;
      const wrongLast = error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence;
      if (!wrongLast) {
        const delay = this.backoff.next();
        this.ctx.trouble(this.runId, `publishing seq ${line.seq}`, error, delay);
        await sleep(delay, this.ctx.signal);
      }
      await this.syncWithStream(false);
      return false;
    }
  }

  /**
   * `<project>.<runId>:<seq>` (subject tokens): the duplicate window is stream-wide, so the id
   * names the project too; two projects' runs that share a run id never shadow each other.
   */
  private msgId(line: VerifiedLine): string {
    return `${this.subject!.split('.').slice(-2).join('.')}:${line.seq}`;
  }

  /**
   * Asks the stream for the last message on the run's subject and takes it as the truth, retrying
   * while JetStream does not answer. On the first sync, a local progress record whose line still
   * verifies lets reading start there instead of at byte 0. False when stopped or on a conflict.
   */
  private async syncWithStream(first: boolean): Promise<boolean> {
    for (;;) {
      if (this.ctx.signal.aborted) return false;
      try {
        const last = await this.ctx.jsm.streams.getMessage(this.ctx.stream, { last_by_subj: this.subject! });
        this.backoff.reset();
        const position = last === null ? { seq: 0, hash: GENESIS_HASH, streamSeq: 0 } : this.positionOf(last.data, last.seq);
        if (position === null) return false;
        if (first) this.local = this.resumeHint(position);
        else if (this.local.seq > position.seq) {
          this.ctx.log(
            `run ${this.runId}: the stream has seq ${position.seq}, fewer lines than were shipped (${this.local.seq}); re-reading the journal from its start`,
          );
          this.local = START;
        }
        this.onStream = position;
        return true;
      } catch (error) {
        if (this.ctx.signal.aborted) return false;
        const delay = this.backoff.next();
        this.ctx.trouble(this.runId, `asking the stream for the last line of ${this.subject}`, error, delay);
        await sleep(delay, this.ctx.signal);
      }
    }
  }

  private positionOf(data: Uint8Array, streamSeq: number): StreamPosition | null {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const body = bytes.at(-1) === 0x0a ? bytes.subarray(0, -1) : bytes;
    const checked = checkLine(body);
    if (!checked.ok || checked.value.runId !== this.runId || typeof checked.value.seq !== 'number') {
      const why = checked.ok ? `it is a line of run ${JSON.stringify(checked.value.runId)}` : checked.problem;
      this.fail(
        'conflict',
        new ShipConflictError(this.runId, `the last message on ${this.subject} (stream seq ${streamSeq}) is not a line of this run: ${why}`)
          .message,
      );
      return null;
    }
    return { seq: checked.value.seq, hash: checked.hash, streamSeq };
  }

  private resumeHint(there: StreamPosition): LocalPosition {
    const saved = readRunProgress(this.ctx.logsDir, this.runId);
    if (!saved || saved.stream !== this.ctx.stream || saved.seq > there.seq || saved.seq === 0) return START;
    if (!lineEndsWith(this.journal, saved.lineStart, saved.offset, saved.hash)) return START;
    return { seq: saved.seq, hash: saved.hash, offset: saved.offset, lineStart: saved.lineStart };
  }

  private fail(kind: RunProblem['kind'], message: string): void {
    this.problemFound = { kind, message };
    this.ctx.log(`run ${this.runId}: ${message}`);
  }

  /** Records how far the run is on the stream, for cleanup and as the next start's hint; at most every few seconds unless `force`. */
  private async maybeWriteProgress(force: boolean): Promise<void> {
    const there = this.onStream;
    if (there === null || this.subject === null || this.local.seq !== there.seq || there.seq === this.progressWritten.seq) return;
    const now = Date.now();
    if (!force && now - this.progressWritten.at < PROGRESS_EVERY_MS) return;
    const progress: RunShipProgress = {
      runId: this.runId,
      subject: this.subject,
      stream: this.ctx.stream,
      seq: there.seq,
      hash: there.hash,
      offset: this.local.offset,
      lineStart: this.local.lineStart,
      streamSeq: there.streamSeq,
    };
    this.progressWritten = { seq: there.seq, at: now };
    try {
      await writeRunProgress(this.ctx.logsDir, progress);
    } catch (error) {
      this.progressWritten = { seq: -1, at: now };
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.ctx.log(`run ${this.runId}: recording shipped progress failed (${(error as Error).message}); cleanup will keep the run`);
    }
  }
}

/** True when the line in [lineStart, offset) verifies and carries `hash`. */
function lineEndsWith(journal: string, lineStart: number, offset: number, hash: string): boolean {
  if (offset - lineStart < 2) return false;
  try {
    const fd = fs.openSync(journal, 'r');
    try {
      const line = Buffer.alloc(offset - lineStart - 1);
      if (fs.readSync(fd, line, 0, line.length, lineStart) !== line.length) return false;
      const checked = checkLine(line);
      return checked.ok && checked.hash === hash;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}
