import fs from 'node:fs';
import { GENESIS_HASH, SCHEMA_VERSION, type JournalEntry } from '../../events/envelope.js';
import { JournalFailedError, RunledgerError } from '../errors.js';
import { encodeLine } from './line.js';
import { fsyncDirectory, nodeFileOps, type FileOps } from './file-ops.js';
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

export interface QueuedAppend {
  readonly entry: JournalEntry;
  readonly durable: Promise<JournalEntry>;
}

interface UnsyncedLine {
  readonly bytes: Buffer;
  /** Byte offset just after this line. */
  readonly end: number;
  readonly entry: JournalEntry;
  resolve?: (entry: JournalEntry) => void;
  reject?: (error: Error) => void;
}

/**
 * Appends lines to one run's journal (DESIGN "The journal's rules" 3-5). Knows bytes, hashes,
 * locks and fsync; the caller validates events before handing them over.
 *
 * Lines past `durableOffset` live in `unsynced` until an fdatasync covers them. `appendSync`
 * writes every unsynced line and its own, then fdatasyncs. `append` queues and lets one flush
 * (one write, one fdatasync) cover everything queued meanwhile: group commit. Both write at
 * explicit positions, so a sync append during an async flush rewrites the same bytes at the
 * same place, which is harmless, and a run can mix both (signal handlers do).
 */
export class JournalWriter {
  private readonly ops: FileOps;
  private readonly clock: () => Date;
  private durableOffset: number;
  private assignedOffset: number;
  private lastSeq: number;
  private lastHash: string;
  private unsynced: UnsyncedLine[] = [];
  private flushScheduled = false;
  private flushing = false;
  private failure: RunledgerError | null = null;
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];

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
    this.assignedOffset = position.offset;
    this.lastSeq = position.lastSeq;
    this.lastHash = position.lastHash;
  }

  /** A new, empty journal: created exclusively (0600), then the file and its folder are fsync'd. */
  static create(runId: string, paths: RunPaths, lock: RunLock, options: JournalWriterOptions = {}): JournalWriter {
    const ops = options.ops ?? nodeFileOps;
    lock.assertHeld();
    const fd = ops.openSync(paths.journal, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
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
   * Opens an existing journal to continue after `position` (its last verified line). Bytes after
   * it must already have been quarantined by the caller: they are cut off here, durably.
   */
  static openAt(runId: string, paths: RunPaths, lock: RunLock, position: JournalPosition, options: JournalWriterOptions = {}): JournalWriter {
    const ops = options.ops ?? nodeFileOps;
    lock.assertHeld();
    const fd = ops.openSync(paths.journal, fs.constants.O_RDWR);
    try {
      if (ops.fstatSync(fd).size !== position.offset) {
        ops.ftruncateSync(fd, position.offset);
        ops.fdatasyncSync(fd);
      }
    } catch (error) {
      ops.closeSync(fd);
      throw error;
    }
    return new JournalWriter(runId, paths, lock, fd, position, options);
  }

  get seq(): number {
    return this.lastSeq;
  }

  get isFailed(): boolean {
    return this.failure !== null;
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
   * Queues one line and returns it at once with its seq and hash; `durable` resolves after the
   * fdatasync that covers it (group commit) and rejects if that write or fsync fails.
   */
  append(type: string, data: unknown): QueuedAppend {
    this.assertWritable();
    const line = this.assign(type, data);
    const durable = new Promise<JournalEntry>((resolve, reject) => {
      line.resolve = resolve;
      line.reject = reject;
    });
    this.scheduleFlush();
    return { entry: line.entry, durable };
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
    if (!this.failure) this.flushSync();
    this.closed = true;
    this.ops.closeSync(this.fd);
  }

  private assertWritable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new JournalFailedError(this.runId, 'the journal is closed');
  }

  private assign(type: string, data: unknown): UnsyncedLine {
    const encoded = encodeLine({
      v: SCHEMA_VERSION,
      seq: this.lastSeq + 1,
      ts: this.clock().toISOString(),
      runId: this.runId,
      type: type as JournalEntry['type'],
      data: data as JournalEntry['data'],
      prev: this.lastHash,
    });
    this.lastSeq = encoded.entry.seq;
    this.lastHash = encoded.entry.hash;
    this.assignedOffset += encoded.bytes.length;
    const line: UnsyncedLine = { bytes: encoded.bytes, end: this.assignedOffset, entry: encoded.entry };
    this.unsynced.push(line);
    return line;
  }

  private writeUnsyncedSync(): void {
    const pending = this.unsynced;
    const buffer = pending.length === 1 ? pending[0]!.bytes : Buffer.concat(pending.map((l) => l.bytes));
    const end = this.assignedOffset;
    try {
      let written = 0;
      while (written < buffer.length) {
        written += this.ops.writeSync(this.fd, buffer, written, buffer.length - written, this.durableOffset + written);
      }
      this.ops.fdatasyncSync(this.fd);
    } catch (error) {
      throw this.fail(error, 'sync append');
    }
    this.markDurable(end);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    // Appends made in the same tick join one batch.
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.failure || this.unsynced.length === 0) return this.notifyIdle();
    try {
      this.lock.assertHeld();
    } catch (error) {
      // Nothing of this batch reached the file; the lock is gone, so no later append will either.
      this.failure = error as RunledgerError;
      this.rejectUnsynced(this.failure);
      return this.notifyIdle();
    }
    this.flushing = true;
    const start = this.durableOffset;
    const end = this.assignedOffset;
    const batch = this.unsynced;
    const buffer = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((l) => l.bytes));
    const done = (error: unknown): void => {
      this.flushing = false;
      // If a sync append failed meanwhile, it already cut the file back: nothing of this batch counts.
      if (!this.failure) {
        if (error) this.fail(error, 'group commit');
        else this.markDurable(end);
      }
      if (this.unsynced.length > 0 && !this.failure) this.scheduleFlush();
      else this.notifyIdle();
    };
    const writeFrom = (written: number): void => {
      this.ops.write(this.fd, buffer, written, buffer.length - written, start + written, (err, n) => {
        if (err) return done(err);
        if (written + n < buffer.length) return writeFrom(written + n);
        this.ops.fdatasync(this.fd, (syncErr) => done(syncErr));
      });
    };
    try {
      writeFrom(0);
    } catch (error) {
      done(error);
    }
  }

  private markDurable(end: number): void {
    if (end <= this.durableOffset) return;
    this.durableOffset = end;
    let settled = 0;
    while (settled < this.unsynced.length && this.unsynced[settled]!.end <= end) {
      const line = this.unsynced[settled]!;
      line.resolve?.(line.entry);
      settled += 1;
    }
    this.unsynced = settled === this.unsynced.length ? [] : this.unsynced.slice(settled);
  }

  /**
   * A failed write or fsync is fatal (PostgreSQL's fsync lesson: never retry and pretend it worked).
   * Cut the file back to the last line an fdatasync covered, refuse everything after.
   */
  private fail(cause: unknown, during: string): RunledgerError {
    const err = cause as NodeJS.ErrnoException;
    let detail = `${during} failed with ${err.code ?? err.name}: ${err.message}`;
    try {
      this.ops.ftruncateSync(this.fd, this.durableOffset);
      this.ops.fdatasyncSync(this.fd);
      detail += `; the journal was truncated back to byte ${this.durableOffset}`;
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
    for (const line of lines) line.reject?.(error);
  }

  private notifyIdle(): void {
    if (this.unsynced.length > 0 || this.flushing) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
