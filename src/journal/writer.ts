import fs from 'node:fs';
import { GENESIS_HASH, type JournalEntry } from './envelope.js';
import { InvalidEventError, JournalFailedError, LockCompromisedError, RunledgerError } from '../errors.js';
import { LineEncoder } from './line-encoder.js';
import { MAX_LINE_BYTES } from './line.js';
import { fsyncDirectory, nodeFileOps, type FileOps } from '../durable/file-ops.js';
import { installTakeoverCopy } from './takeover.js';
import type { RunPaths } from './paths.js';
import type { RunLock } from './run-lock.js';

export interface JournalWriterOptions {
  readonly ops?: FileOps;
  readonly clock?: () => Date;
}

/** Where an existing journal's verified lines end: the writer continues the chain from here. */
export interface JournalPosition {
  readonly offset: number;
  readonly lastSeq: number;
  readonly lastHash: string;
}

/** Called once per queued line: with null after the fdatasync that covers it, or with the failure. */
export type OnDurable = (error: Error | null) => void;

interface UnsyncedLine {
  readonly text: string;
  /** Byte offset just after this line. */
  readonly end: number;
  readonly entry: JournalEntry;
  onDurable?: OnDurable;
}

/**
 * Appends lines to one run's journal (docs/DESIGN.md rules 3-5; O_APPEND and group commit: §7.5). Knows bytes, hashes,
 * locks and fsync; the caller validates events before handing them over.
 *
 * The lock is checked before each write and again after its fdatasync, before anything is
 * acknowledged: the lock must still be ours and the journal's name must still lead to our file.
 * A writer that stalled past the lock's stale time while another process resumed the run fails
 * that second check; its late bytes went to the file the new writer renamed away (takeover.ts).
 * The file is opened O_APPEND: a write lands at the end of the file, never on bytes already there.
 *
 * Offsets: durable <= written <= assigned. `appendSync` writes what is not written yet and
 * fdatasyncs. `append` queues; one flush (one write, one fdatasync) covers everything queued since
 * the previous one: group commit. A sync append during an async fdatasync writes only its own new
 * bytes, and its fdatasync covers the others too.
 */
export class JournalWriter {
  private readonly ops: FileOps;
  private readonly clock: () => Date;
  private durableOffset: number;
  private writtenOffset: number;
  private assignedOffset: number;
  private lastSeq: number;
  private lastHash: string;
  private unsynced: UnsyncedLine[] = [];
  private flushing = false;
  private flushScheduled = false;
  private failure: RunledgerError | null = null;
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly encoder: LineEncoder;
  private batch = Buffer.allocUnsafeSlow(16 * 1024);
  /** The last line's time and its ISO text: lines appended within one millisecond share the text. */
  private tsMs = Number.NaN;
  private ts = '';
  /** The journal file this writer appends to: the post-write check finds it still under its name. */
  private readonly identity: { readonly dev: number; readonly ino: number };

  private constructor(
    readonly runId: string,
    readonly paths: RunPaths,
    private readonly lock: RunLock,
    private readonly fd: number,
    position: JournalPosition,
    options: JournalWriterOptions,
  ) {
    this.ops = options.ops ?? nodeFileOps;
    this.clock = options.clock ?? (() => new Date());
    this.durableOffset = position.offset;
    this.writtenOffset = position.offset;
    this.assignedOffset = position.offset;
    this.lastSeq = position.lastSeq;
    this.lastHash = position.lastHash;
    this.encoder = new LineEncoder(runId);
    const stat = this.ops.fstatSync(fd);
    this.identity = { dev: stat.dev, ino: stat.ino };
  }

  /** A new, empty journal: created exclusively (0600), then the file and its folder are fsync'd. */
  static create(runId: string, paths: RunPaths, lock: RunLock, options: JournalWriterOptions = {}): JournalWriter {
    const ops = options.ops ?? nodeFileOps;
    lock.assertHeld();
    const fd = ops.openSync(paths.journal, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      ops.fsyncSync(fd);
      fsyncDirectory(ops, paths.runDir);
    } catch (error) {
      ops.closeSync(fd);
      throw error;
    }
    return new JournalWriter(runId, paths, lock, fd, { offset: 0, lastSeq: 0, lastHash: GENESIS_HASH }, options);
  }

  /**
   * Continues a journal taken over from a previous writer (resume): `copy` is the caller's private
   * copy of it, already scanned and its torn tail quarantined. It is cut back to `position`, made
   * durable and renamed over the journal (see takeover.ts for why the old file is never appended to).
   */
  static takeOver(
    runId: string,
    paths: RunPaths,
    lock: RunLock,
    copy: string,
    position: JournalPosition,
    options: JournalWriterOptions = {},
  ): JournalWriter {
    const ops = options.ops ?? nodeFileOps;
    lock.assertHeld();
    const fd = installTakeoverCopy(paths, copy, position.offset, lock, ops);
    return new JournalWriter(runId, paths, lock, fd, position, options);
  }

  get seq(): number {
    return this.lastSeq;
  }

  get isFailed(): boolean {
    return this.failure !== null;
  }

  /** Why the journal takes no more appends, or null. */
  get failureError(): Error | null {
    return this.failure;
  }

  /** Appends one line and returns once an fdatasync covers it (and every line before it). */
  appendSync(type: string, data: unknown): JournalEntry {
    this.assertWritable();
    this.lock.assertHeld();
    const line = this.assign(type, data);
    this.writeUnsyncedSync();
    return line.entry;
  }

  /**
   * Queues one line and returns it at once with its seq and hash; `onDurable` is called after the
   * fdatasync that covers it (group commit), or with the error if that write or fsync fails.
   * A callback, not a promise: the caller makes the one promise its own caller awaits.
   */
  append(type: string, data: unknown, onDurable: OnDurable): JournalEntry {
    this.assertWritable();
    const line = this.assign(type, data);
    line.onDurable = onDurable;
    this.scheduleFlush();
    return line.entry;
  }

  /** Resolves when nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.unsynced.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes and fsyncs whatever async appends are still queued, synchronously. */
  flushSync(): void {
    if (this.unsynced.length === 0) return;
    this.assertWritable();
    this.lock.assertHeld();
    this.writeUnsyncedSync();
  }

  /** Closes the file. Queued async appends are written first (synchronously). */
  closeSync(): void {
    if (this.closed) return;
    try {
      if (!this.failure) this.flushSync();
    } finally {
      this.closed = true;
      // An fdatasync still in the thread pool uses the descriptor: closing it now would let the
      // number be reused by another file before that call returns. done() closes it instead.
      if (!this.flushing) this.ops.closeSync(this.fd);
    }
  }

  private assertWritable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new JournalFailedError(this.runId, 'the journal is closed');
  }

  private assign(type: string, data: unknown): UnsyncedLine {
    const now = this.clock();
    const ms = now.getTime();
    if (ms !== this.tsMs) {
      this.ts = now.toISOString(); // throws for an invalid date, before anything changes
      this.tsMs = ms;
    }
    const encoded = this.encoder.encode(
      this.lastSeq + 1,
      this.ts,
      type as JournalEntry['type'],
      data as JournalEntry['data'],
      this.lastHash,
    );
    // A longer line would read as garbage (reader.ts): refuse it, before anything changes.
    if (encoded.byteLength - 1 > MAX_LINE_BYTES)
      throw new InvalidEventError(type, '(line)', `${encoded.byteLength - 1} bytes`, `a journal line of at most ${MAX_LINE_BYTES} bytes`);
    this.lastSeq = encoded.entry.seq;
    this.lastHash = encoded.entry.hash;
    this.assignedOffset += encoded.byteLength;
    const line: UnsyncedLine = { text: encoded.text, end: this.assignedOffset, entry: encoded.entry };
    this.unsynced.push(line);
    return line;
  }

  private writeUnsyncedSync(): void {
    const end = this.assignedOffset;
    try {
      this.writeUnwritten();
      this.ops.fdatasyncSync(this.fd);
    } catch (error) {
      throw this.fail(error, 'sync append');
    }
    const lost = this.ownershipLost();
    if (lost) throw lost;
    this.markDurable(end);
  }

  /**
   * The check after the fdatasync and before the acknowledgement. If the lock changed hands or the
   * journal was replaced meanwhile, nothing of the batch is acknowledged and the writer stops. The
   * file is not cut back: it may be the new writer's now, or a file nobody reads.
   */
  private ownershipLost(): RunledgerError | null {
    try {
      this.lock.assertHeld();
      const stat = fs.statSync(this.paths.journal);
      if (stat.ino !== this.identity.ino || stat.dev !== this.identity.dev) {
        throw new LockCompromisedError(
          this.runId,
          `${this.paths.journal} was replaced by another writer's copy (the run was resumed elsewhere)`,
        );
      }
      return null;
    } catch (error) {
      this.failure =
        error instanceof RunledgerError
          ? error
          : new LockCompromisedError(this.runId, `${this.paths.journal} is gone (${(error as Error).message})`, { cause: error });
      this.rejectUnsynced(this.failure);
      return this.failure;
    }
  }

  /** Writes, at the end of the file, the queued lines no write has carried yet. */
  private writeUnwritten(): void {
    let first = 0;
    while (first < this.unsynced.length && this.unsynced[first]!.end <= this.writtenOffset) first += 1;
    if (first === this.unsynced.length) return;
    const end = this.assignedOffset;
    const length = end - this.writtenOffset;
    const buffer = this.batchBuffer(length);
    let filled = 0;
    for (let i = first; i < this.unsynced.length; i += 1) filled += buffer.write(this.unsynced[i]!.text, filled, 'utf8');
    if (filled !== length) throw new Error(`the queued lines hold ${filled} bytes, not the ${length} their offsets say`);
    for (let written = 0; written < length;) written += this.ops.writeSync(this.fd, buffer, written, length - written, null);
    this.writtenOffset = end;
  }

  /**
   * One buffer, reused by every write (writeSync has copied it to the page cache when it returns):
   * lines are encoded into it one by one, with no batch string and no new buffer per write.
   */
  private batchBuffer(length: number): Buffer {
    if (this.batch.length < length) this.batch = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.batch.length));
    return this.batch;
  }

  /**
   * Group commit. A flush starts on the next turn of the event loop (never while one is in flight),
   * so every append made meanwhile, including those of the writers the last fdatasync just
   * released, shares one write and one fdatasync. Flushing at once instead splits concurrent
   * writers into two alternating groups and doubles the fdatasyncs per line (measured: 32 vs 64
   * lines per fdatasync with 64 writers; see README "Benchmarks").
   */
  private scheduleFlush(): void {
    if (this.flushing || this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.closed || this.failure || this.unsynced.length === 0) return this.notifyIdle();
    try {
      this.lock.assertHeld();
    } catch (error) {
      // Nothing of this batch reached the file; the lock is gone, so no later append will either.
      this.failure = error as RunledgerError;
      this.rejectUnsynced(this.failure);
      return this.notifyIdle();
    }
    this.flushing = true;
    const end = this.assignedOffset;
    const done = (error: unknown): void => {
      this.flushing = false;
      if (this.closed) {
        // closeSync ran meanwhile and made every line durable synchronously; only the close is left.
        this.ops.closeSync(this.fd);
        return this.notifyIdle();
      }
      // If a sync append failed meanwhile, it already cut the file back: nothing of this batch counts.
      if (!this.failure) {
        if (error) this.fail(error, 'group commit');
        else if (!this.ownershipLost()) this.markDurable(end);
      }
      if (this.unsynced.length > 0 && !this.failure) this.scheduleFlush();
      else this.notifyIdle();
    };
    // The write goes to the page cache synchronously (microseconds); only the fdatasync waits in the
    // thread pool. An async write would need the main thread again before the fdatasync could
    // start, and the main thread is busy building the next batch: the two would take turns.
    try {
      this.writeUnwritten();
    } catch (error) {
      done(error);
      return;
    }
    this.ops.fdatasync(this.fd, done);
  }

  private markDurable(end: number): void {
    if (end <= this.durableOffset) return;
    this.durableOffset = end;
    let settled = 0;
    while (settled < this.unsynced.length && this.unsynced[settled]!.end <= end) settled += 1;
    const durable = settled === this.unsynced.length ? this.unsynced : this.unsynced.slice(0, settled);
    this.unsynced = settled === this.unsynced.length ? [] : this.unsynced.slice(settled);
    // Callbacks come last: they may append or close, and must find the writer's state settled.
    for (const line of durable) line.onDurable?.(null);
  }

  /**
   * A failed write or fsync is fatal (PostgreSQL's fsync lesson: never retry and pretend it worked).
   * Cut the file back to the last line an fdatasync covered, refuse everything after.
   */
  private fail(cause: unknown, during: string): RunledgerError {
    const err = cause as NodeJS.ErrnoException;
    let detail = `${during} failed with ${err.code ?? err.name}: ${err.message}`;
    try {
      const size = this.ops.fstatSync(this.fd).size;
      if (size > this.assignedOffset) {
        // Bytes beyond anything this writer could have written: another writer's. Leave them.
        detail += `; the file holds ${size - this.assignedOffset} bytes this writer did not write (another writer?), so it was not truncated`;
      } else {
        this.ops.ftruncateSync(this.fd, this.durableOffset);
        this.ops.fdatasyncSync(this.fd);
        detail += `; the journal was truncated back to byte ${this.durableOffset}`;
      }
    } catch (truncateError) {
      detail += `; truncating back to byte ${this.durableOffset} also failed (${(truncateError as Error).message}), so a reader will report a torn tail there`;
    }
    this.failure = new JournalFailedError(this.runId, detail, { cause });
    this.rejectUnsynced(this.failure);
    return this.failure;
  }

  private rejectUnsynced(error: Error): void {
    const lines = this.unsynced;
    this.unsynced = [];
    for (const line of lines) line.onDurable?.(error);
  }

  private notifyIdle(): void {
    if (this.unsynced.length > 0 || this.flushing) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
