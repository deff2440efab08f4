import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
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

  constructor(readonly file: string) {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    this.temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    this.fd = fs.openSync(this.temp, 'wx', 0o644);
  }

  write(part: string | Buffer): void {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    for (let written = 0; written < bytes.length; ) written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
  }

  /** fsync, rename into place, and (unless the caller does it for many files at once) fsync the folder. */
  commit(options: { readonly syncFolder?: boolean } = {}): void {
    if (this.done) return;
    this.done = true;
    try {
      fs.fsyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
    }
    fs.renameSync(this.temp, this.file);
    if (options.syncFolder ?? true) fsyncDir(path.dirname(this.file));
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    fs.closeSync(this.fd);
    fs.rmSync(this.temp, { force: true });
  }
}

export function writeFileAtomic(file: string, content: string | Buffer): void {
  const out = new AtomicFile(file);
  try {
    out.write(content);
    out.commit();
  } catch (error) {
    out.abort();
    throw error;
  }
}

/** Removes a derived file (if there) and fsyncs its folder. */
export function removeFileDurably(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  fsyncDir(path.dirname(file));
}

const fsyncAsync = (fd: number): Promise<void> => new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));

/** fsyncs run at once on libuv's threads: the file system can commit them together. */
const PARALLEL_FSYNCS = 16;

async function fsyncAll(fds: readonly number[]): Promise<void> {
  for (let i = 0; i < fds.length; i += PARALLEL_FSYNCS) await Promise.all(fds.slice(i, i + PARALLEL_FSYNCS).map(fsyncAsync));
}

async function fsyncDirs(dirs: Iterable<string>): Promise<void> {
  const fds: number[] = [];
  try {
    for (const dir of dirs) fds.push(fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY));
    await fsyncAll(fds);
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
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
  private pending: Array<{ readonly temp: string; readonly file: string; readonly fd: number }> = [];
  private readonly touchedDirs = new Set<string>();
  private readonly madeDirs = new Set<string>();
  private inFlight: Promise<void> | null = null;
  private readonly tempPrefix = `${process.pid}.${randomBytes(4).toString('hex')}`;
  private tempCounter = 0;

  constructor(private readonly maxPending = 256) {}

  get isFull(): boolean {
    return this.pending.length >= this.maxPending;
  }

  /** Stages `content` for `file`; an unchanged file costs a read, not a write. */
  write(file: string, content: string | Buffer): void {
    try {
      if (typeof content === 'string' ? fs.readFileSync(file, 'utf8') === content : fs.readFileSync(file).equals(content)) return;
    } catch {
      // missing or unreadable: write it
    }
    const dir = path.dirname(file);
    if (!this.madeDirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    const temp = path.join(dir, `.${path.basename(file)}.${this.tempPrefix}.${(this.tempCounter += 1)}.tmp`);
    const fd = fs.openSync(temp, 'wx', 0o644);
    this.pending.push({ temp, file, fd });
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written, bytes.length - written);
  }

  /** Removes `file` now (if there); its folder is fsync'd at the next flush. */
  remove(file: string): void {
    try {
      fs.unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    this.touchedDirs.add(path.dirname(file));
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
    const dirs = [...this.touchedDirs];
    this.touchedDirs.clear();
    try {
      await fsyncAll(pending.map((p) => p.fd));
    } catch (error) {
      for (const p of pending) {
        fs.closeSync(p.fd);
        fs.rmSync(p.temp, { force: true });
      }
      throw error;
    }
    const renamedDirs = new Set(dirs);
    for (const p of pending) {
      fs.closeSync(p.fd);
      fs.renameSync(p.temp, p.file);
      renamedDirs.add(path.dirname(p.file));
    }
    await fsyncDirs(renamedDirs);
  }

  /** Drops what was staged and not flushed: those files keep their old content. */
  abort(): void {
    for (const p of this.pending) {
      fs.closeSync(p.fd);
      fs.rmSync(p.temp, { force: true });
    }
    this.pending = [];
  }
}
