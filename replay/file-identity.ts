import type fs from 'node:fs';

/** A file as a writer left it: a file changed or replaced since has another identity. */
export interface FileIdentity {
  readonly size: number;
  readonly ino: number;
  readonly mtimeMs: number;
}

export const identityOfStat = (stat: fs.Stats): FileIdentity => ({ size: stat.size, ino: stat.ino, mtimeMs: stat.mtimeMs });

export const sameIdentity = (a: FileIdentity, b: FileIdentity): boolean => a.size === b.size && a.ino === b.ino && a.mtimeMs === b.mtimeMs;
