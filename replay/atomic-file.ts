import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * DESIGN rule 8: a derived file is written to a temporary file in the same folder, fsync'd,
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

  commit(): void {
    if (this.done) return;
    this.done = true;
    try {
      fs.fsyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
    }
    fs.renameSync(this.temp, this.file);
    fsyncDir(path.dirname(this.file));
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
