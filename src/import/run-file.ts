import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkJournalEvent, type EventType } from '../../events/registry.js';
import { InvalidEventError } from '../errors.js';
import { ensureDirectoryDurably, fsyncDirectory, nodeFileOps, PRIVATE_FILE_MODE, type FileOps } from '../durable/file-ops.js';
import { LineEncoder } from '../journal/line-encoder.js';
import { MAX_LINE_BYTES } from '../journal/line.js';
import { GENESIS_HASH } from '../journal/envelope.js';
import { JOURNAL_FILE, runPaths } from '../journal/paths.js';

/** Where runs being imported are written before they are renamed into runs/: outside runs/, so no reader ever sees half a run. */
export const IMPORT_STAGING_DIR = '.import';

const FLUSH_BYTES = 1 << 20;

/**
 * One imported run's journal, written whole or not at all: the lines go to a private folder under
 * `<logs>/.import/`, which is fdatasync'd and then renamed to `runs/<runId>` in one step (the
 * journal's rule 4 and the derived files' rule 8 combined: docs/DESIGN.md). Until `commit` the run
 * does not exist for any reader; `abort` removes the folder. Each event is checked with the same
 * rules as a recorded one (checkJournalEvent) before its line is built.
 */
export class RunFile {
  private readonly encoder: LineEncoder;
  private seq = 0;
  private lastHash = GENESIS_HASH;
  private pending: string[] = [];
  private pendingBytes = 0;
  private closed = false;
  bytes = 0;

  private constructor(
    readonly runId: string,
    readonly logsDir: string,
    private readonly stagingDir: string,
    private readonly fd: number,
    private readonly ops: FileOps,
  ) {
    this.encoder = new LineEncoder(runId);
  }

  /**
   * Removes the staging folders of imports whose process is gone (killed mid-import): their runs
   * never reached runs/, and nobody else will finish them. Folders of live processes are left alone.
   */
  static removeAbandoned(logsDir: string): string[] {
    const staging = path.join(logsDir, IMPORT_STAGING_DIR);
    let names: string[];
    try {
      names = fs.readdirSync(staging);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const removed: string[] = [];
    for (const name of names) {
      const pid = /\.(\d+)-[0-9a-f]{8}$/.exec(name)?.[1];
      if (pid === undefined || isAlive(Number(pid))) continue;
      fs.rmSync(path.join(staging, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  /** The run's folder if it exists: then the run is already there. */
  static existing(logsDir: string, runId: string): string | null {
    const { runDir } = runPaths(logsDir, runId);
    return fs.existsSync(runDir) ? runDir : null;
  }

  static create(logsDir: string, runId: string, ops: FileOps = nodeFileOps): RunFile {
    runPaths(logsDir, runId); // refuses a bad run id before any folder is made
    const stagingDir = path.join(logsDir, IMPORT_STAGING_DIR, `${runId}.${process.pid}-${randomBytes(4).toString('hex')}`);
    ensureDirectoryDurably(ops, stagingDir);
    const fd = ops.openSync(
      path.join(stagingDir, JOURNAL_FILE),
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL,
      PRIVATE_FILE_MODE,
    );
    return new RunFile(runId, logsDir, stagingDir, fd, ops);
  }

  get events(): number {
    return this.seq;
  }

  append(ts: Date, type: EventType, data: unknown): void {
    const problem = checkJournalEvent(type, data, this.seq + 1);
    if (problem !== null) throw new InvalidEventError(type, '(imported event)', data, problem);
    const encoded = this.encoder.encode(this.seq + 1, ts.toISOString(), type, data as never, this.lastHash);
    if (encoded.byteLength - 1 > MAX_LINE_BYTES)
      throw new InvalidEventError(type, '(line)', `${encoded.byteLength - 1} bytes`, `a journal line of at most ${MAX_LINE_BYTES} bytes`);
    this.seq = encoded.entry.seq;
    this.lastHash = encoded.entry.hash;
    this.pending.push(encoded.text);
    this.pendingBytes += encoded.byteLength;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /**
   * Makes the journal durable and puts the run in place: fdatasync the file, fsync its folder,
   * rename the folder to runs/<runId>, fsync runs/. Returns false (and removes the staging folder)
   * when a run of that id appeared meanwhile: the rename never replaces a run.
   */
  commit(): boolean {
    this.flush();
    this.ops.fdatasyncSync(this.fd);
    this.close();
    fsyncDirectory(this.ops, this.stagingDir);
    const { runsDir, runDir } = runPaths(this.logsDir, this.runId);
    ensureDirectoryDurably(this.ops, runsDir);
    if (fs.existsSync(runDir)) {
      this.abort();
      return false;
    }
    try {
      this.ops.renameSync(this.stagingDir, runDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        this.abort();
        return false;
      }
      throw error;
    }
    fsyncDirectory(this.ops, runsDir);
    return true;
  }

  /** Removes everything written so far; the run never existed. */
  abort(): void {
    this.close();
    fs.rmSync(this.stagingDir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(this.pending.join(''), 'utf8');
    for (let written = 0; written < buffer.length;) written += this.ops.writeSync(this.fd, buffer, written, buffer.length - written, null);
    this.bytes += buffer.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ops.closeSync(this.fd);
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
