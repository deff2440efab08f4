import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  fsyncAsync,
  fsyncDirectory,
  nodeFileOps,
  openDirectory,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  unlinkIfPresent,
  type FileOps,
} from './file-ops.js';

/** A temporary file's name beside `file`: hidden, unique to this process and call. */
function tempNameFor(file: string, unique: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${unique}.tmp`);
}

function writeAll(ops: FileOps, fd: number, part: string | Buffer): void {
  const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
  for (let written = 0; written < bytes.length;) written += ops.writeSync(fd, bytes, written, bytes.length - written, null);
}

/**
 * docs/DESIGN.md rule 8: a derived file is written to a temporary file in the same folder, fsync'd,
 * renamed into place and the folder fsync'd. A reader sees the old file or the new one, never half.
 * Parts are written as they come, so a large table is never one string in memory.
 */
export class AtomicFile {
  private readonly temp: string;
  private readonly fd: number;
  private done = false;

  constructor(
    readonly file: string,
    private readonly ops: FileOps = nodeFileOps,
  ) {
    ops.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
    this.temp = tempNameFor(file, `${process.pid}.${randomBytes(4).toString('hex')}`);
    this.fd = ops.openSync(this.temp, 'wx', PRIVATE_FILE_MODE);
  }

  write(part: string | Buffer): void {
    writeAll(this.ops, this.fd, part);
  }

  /**
   * fsync, rename into place, and (unless the caller does it for many files at once) fsync the
   * folder. If the fsync or the rename fails, the temporary file is removed and the old file stays.
   */
  commit(options: { readonly syncFolder?: boolean } = {}): void {
    if (this.done) return;
    this.done = true;
    try {
      try {
        this.ops.fsyncSync(this.fd);
      } finally {
        this.ops.closeSync(this.fd);
      }
      this.ops.renameSync(this.temp, this.file);
    } catch (error) {
      unlinkIfPresent(this.ops, this.temp);
      throw error;
    }
    if (options.syncFolder ?? true) fsyncDirectory(this.ops, path.dirname(this.file));
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.ops.closeSync(this.fd);
    unlinkIfPresent(this.ops, this.temp);
  }
}

export function writeFileAtomic(file: string, content: string | Buffer, ops: FileOps = nodeFileOps): void {
  const out = new AtomicFile(file, ops);
  try {
    out.write(content);
    out.commit();
  } catch (error) {
    out.abort();
    throw error;
  }
}

/**
 * writeFileAtomic with the fsyncs on libuv's threads: for a writer that must not stall its event
 * loop (the shipper records progress while its other runs keep publishing). The other steps are
 * page-cache and metadata calls.
 */
export async function writeFileAtomicAsync(file: string, content: string | Buffer, ops: FileOps = nodeFileOps): Promise<void> {
  const dir = path.dirname(file);
  ops.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const temp = tempNameFor(file, `${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = ops.openSync(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeAll(ops, fd, content);
    await fsyncAsync(ops, fd);
  } catch (error) {
    ops.closeSync(fd);
    unlinkIfPresent(ops, temp);
    throw error;
  }
  ops.closeSync(fd);
  try {
    ops.renameSync(temp, file);
  } catch (error) {
    unlinkIfPresent(ops, temp); // a folder in the way, a read-only folder: no temporary file is left behind
    throw error;
  }
  await fsyncDirectoriesAsync(ops, [dir]);
}

/** Removes a derived file (if there) and fsyncs its folder. */
export function removeFileDurably(file: string, ops: FileOps = nodeFileOps): void {
  if (unlinkIfPresent(ops, file)) fsyncDirectory(ops, path.dirname(file));
}

/** fsyncs run at once on libuv's threads: the file system can commit them together. */
const PARALLEL_FSYNCS = 16;

async function fsyncAll(ops: FileOps, fds: readonly number[]): Promise<void> {
  for (let i = 0; i < fds.length; i += PARALLEL_FSYNCS)
    await Promise.all(fds.slice(i, i + PARALLEL_FSYNCS).map((fd) => fsyncAsync(ops, fd)));
}

async function fsyncDirectoriesAsync(ops: FileOps, dirs: Iterable<string>): Promise<void> {
  const fds: number[] = [];
  try {
    for (const dir of dirs) fds.push(openDirectory(ops, dir));
    await fsyncAll(ops, fds);
  } finally {
    for (const fd of fds) ops.closeSync(fd);
  }
}

/**
 * A file's bytes if it is a regular file; null when it is missing, unreadable, a link or anything else.
 * Opened O_NOFOLLOW | O_NONBLOCK: a FIFO planted where a derived file goes never blocks the reader.
 */
function readRegularFile(file: string): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    return fs.fstatSync(fd).isFile() ? fs.readFileSync(fd) : null;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

interface StagedFile {
  readonly temp: string;
  readonly file: string;
  fd: number | null;
}

/**
 * docs/DESIGN.md rule 8 for many files at once. `write` puts each file's bytes in its temporary file now (or does
 * nothing when the file already holds them); a flush then fsyncs every temporary file, renames each
 * into place, and fsyncs each folder once. A reader still sees every file old or new, never half,
 * and after `flush` every change is durable; what a batch saves is one fsync per folder per file,
 * and the waiting: its fsyncs are issued together, and `flushInBackground` lets the caller go on
 * making the next files while they run. Callers `flush` before anything that relies on the files
 * (the index, the tables).
 */
export class DurableBatch {
  /** Staged files; `fd` null once the file was fsync'd and closed early (see `write`). */
  private pending: StagedFile[] = [];
  private openFiles = 0;
  private readonly touchedDirs = new Set<string>();
  private readonly madeDirs = new Set<string>();
  private inFlight: Promise<void> | null = null;
  private readonly tempPrefix = `${process.pid}.${randomBytes(4).toString('hex')}`;
  private tempCounter = 0;

  constructor(
    private readonly maxPending = 256,
    private readonly ops: FileOps = nodeFileOps,
  ) {}

  /**
   * Time to flush in the background: half of `maxPending` is staged. A caller that checks this between
   * groups of files (replay, after each run) flushes before a group takes the open files to `maxPending`,
   * where `write` would fsync them one by one on this thread (at 10,000 runs + 1% that was most of the
   * changed runs' fsyncs, serial, instead of 16 at a time on other threads while the next runs are made).
   */
  get isFull(): boolean {
    return this.pending.length >= this.maxPending / 2;
  }

  /** Stages `content` for `file`; an unchanged file costs a read, not a write. */
  write(file: string, content: string | Buffer): void {
    const existing = readRegularFile(file);
    if (existing !== null && existing.equals(typeof content === 'string' ? Buffer.from(content, 'utf8') : content)) return;
    const dir = path.dirname(file);
    if (!this.madeDirs.has(dir)) {
      this.ops.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      this.madeDirs.add(dir);
    }
    const temp = tempNameFor(file, `${this.tempPrefix}.${(this.tempCounter += 1)}`);
    const fd = this.ops.openSync(temp, 'wx', PRIVATE_FILE_MODE);
    this.pending.push({ temp, file, fd });
    this.openFiles += 1;
    writeAll(this.ops, fd, content);
    if (this.openFiles >= this.maxPending) this.syncOpenFiles();
  }

  /**
   * A caller that stages more than `maxPending` files before a flush (one run of 10,000 issues
   * writes 10,000 issue files) would otherwise hold a descriptor per file until the flush and
   * run into EMFILE: the open ones are fsync'd and closed now, and only renamed at the flush.
   */
  private syncOpenFiles(): void {
    try {
      for (const p of this.pending) {
        if (p.fd === null) continue;
        this.ops.fsyncSync(p.fd);
        this.ops.closeSync(p.fd);
        p.fd = null;
        this.openFiles -= 1;
      }
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Removes `file` now (if there); its folder is fsync'd at the next flush. */
  remove(file: string): void {
    if (unlinkIfPresent(this.ops, file)) this.touchedDirs.add(path.dirname(file));
  }

  /** Makes everything staged so far durable and in place; resolves when it is. */
  async flush(): Promise<void> {
    const previous = this.inFlight;
    this.inFlight = null;
    const current = this.commitPending();
    try {
      await previous;
    } finally {
      await current;
    }
  }

  /**
   * Starts making what is staged durable and returns once the flush before it is done, so that at
   * most one runs while the caller stages the next files.
   */
  async flushInBackground(): Promise<void> {
    const previous = this.inFlight;
    const current = this.commitPending();
    current.catch(() => {}); // its failure is reported by the next flush, which awaits it
    this.inFlight = current;
    await previous;
  }

  private async commitPending(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    this.openFiles = 0;
    const dirs = [...this.touchedDirs];
    this.touchedDirs.clear();
    try {
      await fsyncAll(
        this.ops,
        pending.flatMap((p) => (p.fd === null ? [] : [p.fd])),
      );
    } catch (error) {
      this.discard(pending);
      throw error;
    }
    const renamedDirs = new Set(dirs);
    let next = 0;
    try {
      for (const p of pending) if (p.fd !== null) this.ops.closeSync(p.fd);
      for (; next < pending.length; next += 1) {
        const p = pending[next]!;
        this.ops.renameSync(p.temp, p.file);
        renamedDirs.add(path.dirname(p.file));
      }
    } catch (error) {
      // A folder where a file should be (EISDIR), a read-only folder: the files not renamed keep their
      // old content, and their temporary files go, so that a retry does not add more of them.
      for (const p of pending.slice(next)) unlinkIfPresent(this.ops, p.temp);
      throw error;
    }
    await fsyncDirectoriesAsync(this.ops, renamedDirs);
  }

  /** Drops what was staged and not flushed: those files keep their old content. */
  abort(): void {
    const pending = this.pending;
    this.pending = [];
    this.openFiles = 0;
    this.discard(pending);
  }

  private discard(pending: readonly StagedFile[]): void {
    for (const p of pending) {
      if (p.fd !== null) this.ops.closeSync(p.fd);
      unlinkIfPresent(this.ops, p.temp);
    }
  }
}
