import fs from 'node:fs';
import path from 'node:path';

/**
 * runledger's one door to the file system for writing: the journal, derived files, ship progress
 * and the central mirror all go through it. Tests replace it to inject ENOSPC/EIO at the n-th call,
 * and the benchmark replaces fdatasync to measure CPU cost alone.
 */
export interface FileOps {
  openSync(path: string, flags: string | number, mode?: number): number;
  closeSync(fd: number): void;
  /** `position` null: at the end (the journal is opened O_APPEND). The writer reuses `buffer` once this returns. */
  writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number | null): number;
  fdatasyncSync(fd: number): void;
  fdatasync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
  fsyncSync(fd: number): void;
  fsync(fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void;
  ftruncateSync(fd: number, length: number): void;
  fstatSync(fd: number): fs.Stats;
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  mkdirSync(path: string, options: fs.MakeDirectoryOptions & { recursive: true }): string | undefined;
  copyFileSync(source: string, destination: string, mode: number): void;
  renameSync(oldPath: string, newPath: string): void;
  unlinkSync(path: string): void;
}

export const nodeFileOps: FileOps = {
  openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
  closeSync: (fd) => fs.closeSync(fd),
  writeSync: (fd, b, o, l, pos) => fs.writeSync(fd, b, o, l, pos),
  fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
  fdatasync: (fd, cb) => fs.fdatasync(fd, cb),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  fsync: (fd, cb) => fs.fsync(fd, cb),
  ftruncateSync: (fd, len) => fs.ftruncateSync(fd, len),
  fstatSync: (fd) => fs.fstatSync(fd),
  readSync: (fd, b, o, l, pos) => fs.readSync(fd, b, o, l, pos),
  mkdirSync: (p, options) => fs.mkdirSync(p, options),
  copyFileSync: (source, destination, mode) => fs.copyFileSync(source, destination, mode),
  renameSync: (oldPath, newPath) => fs.renameSync(oldPath, newPath),
  unlinkSync: (p) => fs.unlinkSync(p),
};

/** Opens a folder for fsync. */
export function openDirectory(ops: FileOps, dir: string): number {
  return ops.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
}

/** fsync a directory so that a file created, renamed or removed in it survives a power loss. */
export function fsyncDirectory(ops: FileOps, dir: string): void {
  const fd = openDirectory(ops, dir);
  try {
    ops.fsyncSync(fd);
  } finally {
    ops.closeSync(fd);
  }
}

/**
 * Every file runledger creates is private to its user (README "Security"): a run's config, its
 * errors and its tables can hold what others should not read. The umask can only take bits away.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** proper-lockfile's fs, with the lock folders it makes private (it calls mkdir without a mode). */
export function privateLockFs(base: typeof fs = fs): typeof fs {
  const mkdir = (dir: fs.PathLike, callback: fs.NoParamCallback): void => fs.mkdir(dir, { mode: PRIVATE_DIR_MODE }, callback);
  return { ...base, mkdir } as typeof fs;
}

/** Creates each missing folder down to `dir` (mode 0700) and fsyncs the parent of every folder it created. */
export function ensureDirectoryDurably(ops: FileOps, dir: string): void {
  const firstCreated = ops.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (firstCreated === undefined) return;
  for (let current = dir; ; current = path.dirname(current)) {
    fsyncDirectory(ops, path.dirname(current));
    if (current === firstCreated || current === path.dirname(current)) break;
  }
}

/** Removes a file, if there; false when it was not. */
export function unlinkIfPresent(ops: FileOps, file: string): boolean {
  try {
    ops.unlinkSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** fsync through the seam, as a promise: runs on libuv's threads while the caller goes on. */
export function fsyncAsync(ops: FileOps, fd: number): Promise<void> {
  return new Promise((resolve, reject) => ops.fsync(fd, (error) => (error ? reject(error) : resolve())));
}

/** fdatasync through the seam, as a promise, likewise. */
export function fdatasyncAsync(ops: FileOps, fd: number): Promise<void> {
  return new Promise((resolve, reject) => ops.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}
