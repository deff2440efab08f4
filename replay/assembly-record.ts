import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { removeFileDurably, writeFileAtomic } from '../src/durable/atomic-file.js';
import { sha256Hex } from '../src/journal/line.js';
import { TABLE_FILES } from '../projections/tables/tables.js';
import { ASSEMBLED_FILES } from './assembled-files.js';
import type { ReplayPaths } from './replay-paths.js';
import { identityOfStat, type FileIdentity } from './file-identity.js';
import type { RunIndexEntry } from './run-index-entry.js';

/** A run's place at the end of the assembled files: its sort key and the bytes and rows of its part of each. */
export interface TailRun {
  readonly runId: string;
  readonly startedAt: string;
  /** By file in ASSEMBLED_FILES. */
  readonly bytes: Readonly<Record<string, number>>;
  /** By table in TABLE_FILES. */
  readonly rows: Readonly<Record<string, number>>;
}

/**
 * `.replay/tables.json`, the commit record of a table assembly (docs/DESIGN.md §6.1, §7.4): which
 * files it wrote (their identities), which index they were made from (index.json's generation and
 * how many bytes of its pending log), the data rows per table, and the last runs in table order
 * with their bytes, so that a later assembly can rewrite the files from a changed run on without
 * reading the index. The files are what the record says only while the record is there: an
 * assembly that writes in place removes it first.
 */
export interface AssemblyRecord {
  readonly assembly: string;
  readonly generation: string;
  readonly pendingBytes: number;
  readonly files: Readonly<Record<string, FileIdentity>>;
  readonly rows: Readonly<Record<string, number>>;
  /** The last runs in table order (at most TAIL_RUNS), oldest first. */
  readonly tail: readonly TailRun[];
  /** The tail holds every run in the files. */
  readonly tailIsAll: boolean;
}

/**
 * How many runs at the end of the table order the record keeps. A change to a run before them (a
 * run resumed after more than this many runs started) makes the next assembly a whole one.
 */
export const TAIL_RUNS = 1024;

export const assemblyRecordFile = (paths: ReplayPaths): string => path.join(paths.stateDir, 'tables.json');

export const tailRunOf = (entry: RunIndexEntry): TailRun => ({
  runId: entry.runId,
  startedAt: entry.startedAt!,
  bytes: entry.tableBytes,
  rows: entry.tableRows,
});

/** Table order: run start, then run id (run-index.ts tableOrder). */
export const compareTailRuns = (a: TailRun, b: TailRun): number =>
  a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;

type EncodedRun = [string, string, number[], number[]];

const encodeRun = (run: TailRun): EncodedRun => [
  run.runId,
  run.startedAt,
  ASSEMBLED_FILES.map((file) => run.bytes[file] ?? 0),
  TABLE_FILES.map((file) => run.rows[file] ?? 0),
];

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function decodeRun(value: unknown): TailRun | null {
  if (!Array.isArray(value) || value.length !== 4) return null;
  const [runId, startedAt, bytes, rows] = value as unknown[];
  if (typeof runId !== 'string' || typeof startedAt !== 'string') return null;
  if (!Array.isArray(bytes) || bytes.length !== ASSEMBLED_FILES.length || !bytes.every(isCount)) return null;
  if (!Array.isArray(rows) || rows.length !== TABLE_FILES.length || !rows.every(isCount)) return null;
  return {
    runId,
    startedAt,
    bytes: Object.fromEntries(ASSEMBLED_FILES.map((file, i) => [file, bytes[i] as number])),
    rows: Object.fromEntries(TABLE_FILES.map((file, i) => [file, rows[i] as number])),
  };
}

/** Writes the record (atomically): the commit point of an assembly, after its files and its index. */
export function writeAssemblyRecord(paths: ReplayPaths, record: AssemblyRecord): void {
  const body = JSON.stringify({
    assembly: record.assembly,
    generation: record.generation,
    pendingBytes: record.pendingBytes,
    files: record.files,
    rows: record.rows,
    tailIsAll: record.tailIsAll,
    tail: record.tail.map(encodeRun),
  });
  writeFileAtomic(assemblyRecordFile(paths), `${JSON.stringify({ sha256: sha256Hex(body) })}\n${body}\n`);
}

/** The record of an assembly just made: its files, under a new random id. */
export function writeNewAssemblyRecord(paths: ReplayPaths, record: Omit<AssemblyRecord, 'assembly'>): void {
  writeAssemblyRecord(paths, { ...record, assembly: randomBytes(8).toString('hex') });
}

/** Before files are written in place: until the next record, nothing is known of them (they are assembled whole). */
export function removeAssemblyRecord(paths: ReplayPaths): void {
  removeFileDurably(assemblyRecordFile(paths));
}

/**
 * The record, or null when there is none or it does not verify (its SHA-256, its shape): the assembled
 * files are then taken as unknown and the next assembly makes them from the runs' fragments.
 */
export function readAssemblyRecord(paths: ReplayPaths): AssemblyRecord | null {
  let text: string;
  try {
    text = fs.readFileSync(assemblyRecordFile(paths), 'utf8');
  } catch {
    return null;
  }
  const newline = text.indexOf('\n');
  const body = text.slice(newline + 1, text.endsWith('\n') ? -1 : undefined);
  try {
    if ((JSON.parse(text.slice(0, newline)) as { sha256?: unknown }).sha256 !== sha256Hex(body)) return null;
    return decodeRecord(JSON.parse(body));
  } catch {
    return null;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

const isIdentity = (value: unknown): value is FileIdentity =>
  isObject(value) && isCount(value.size) && isCount(value.ino) && typeof value.mtimeMs === 'number';

function decodeRecord(value: unknown): AssemblyRecord | null {
  if (!isObject(value)) return null;
  const { assembly, generation, pendingBytes, files, rows, tail, tailIsAll } = value;
  if (typeof assembly !== 'string' || typeof generation !== 'string' || !isCount(pendingBytes) || typeof tailIsAll !== 'boolean')
    return null;
  if (!isObject(files) || !ASSEMBLED_FILES.every((file) => isIdentity(files[file]))) return null;
  if (!isObject(rows) || !TABLE_FILES.every((file) => isCount(rows[file]))) return null;
  const runs = Array.isArray(tail) ? tail.map(decodeRun) : [null];
  if (runs.some((run) => run === null)) return null;
  return {
    assembly,
    generation,
    pendingBytes,
    files: files as Record<string, FileIdentity>,
    rows: rows as Record<string, number>,
    tail: runs as TailRun[],
    tailIsAll,
  };
}

/** The record's tail and flag for runs in table order: the last TAIL_RUNS of them. */
export function tailOf(runs: readonly TailRun[]): { tail: TailRun[]; tailIsAll: boolean } {
  return { tail: runs.slice(Math.max(0, runs.length - TAIL_RUNS)), tailIsAll: runs.length <= TAIL_RUNS };
}

/** The identity of each assembled file as it is now on disk. */
export function identitiesOf(files: Readonly<Record<string, string>>): Record<string, FileIdentity> {
  return Object.fromEntries(
    Object.entries(files).map(([file, full]) => {
      return [file, identityOfStat(fs.statSync(full))];
    }),
  );
}
