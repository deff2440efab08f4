import fs from 'node:fs';
import path from 'node:path';
import { TABLE_FILES, TABLE_HEADERS } from '../projections/tables/tables.js';
import { ANALYSIS_FILE, ASSEMBLED_FILES } from './assembled-files.js';
import { AtomicFile } from '../src/durable/atomic-file.js';
import { identitiesOf, type AssemblyRecord } from './assembly-record.js';
import { identityOfStat, sameIdentity, type FileIdentity } from './file-identity.js';
import { FragmentReader } from './fragment-file.js';
import { fsyncDirectory, nodeFileOps } from '../src/durable/file-ops.js';
import { encodeCsvRows, UTF8_BOM } from './csv-encoding.js';
import { analysisInputsFile, runRowsFile, type ReplayPaths } from './replay-paths.js';
import { tableOrder, type RunIndexEntry } from './run-index.js';

/**
 * What the last assembly left, to be reused: its record (trusted only when it pairs with the index
 * loaded), the index entries it was made from, and the runs whose fragments changed since. Without
 * it, or when the files on disk are not exactly the ones that assembly made, everything is read
 * from the runs' fragments.
 */
export interface PreviousAssembly {
  readonly record: AssemblyRecord | null;
  readonly entries: ReadonlyMap<string, RunIndexEntry>;
  readonly changedRuns: ReadonlySet<string>;
}

/** The full path of each assembled file, by its name in ASSEMBLED_FILES. */
export const outputFiles = (paths: ReplayPaths): Record<string, string> =>
  Object.fromEntries(
    ASSEMBLED_FILES.map((file) => [file, file === ANALYSIS_FILE ? analysisInputsFile(paths) : path.join(paths.csvDir, file)]),
  );
export const headerOf = (file: string): string => (file === ANALYSIS_FILE ? '' : UTF8_BOM + encodeCsvRows([TABLE_HEADERS.get(file)!]));

/**
 * The files of the recorded assembly, opened (`flags`: 'r', or 'r+' to write them in place), if they
 * are exactly what it wrote: each a regular file (no link is followed) with the size, inode and
 * mtime recorded after it was written. (A crash between the files and the record leaves identities
 * that do not match, or no record.)
 */
export function openRecorded(paths: ReplayPaths, record: AssemblyRecord | null, flags: 'r' | 'r+' = 'r'): Map<string, number> | null {
  if (!record) return null;
  const opened = new Map<string, number>();
  try {
    for (const [file, full] of Object.entries(outputFiles(paths))) {
      const want = record.files[file];
      const fd = fs.openSync(full, (flags === 'r' ? fs.constants.O_RDONLY : fs.constants.O_RDWR) | fs.constants.O_NOFOLLOW);
      opened.set(file, fd);
      const stat = fs.fstatSync(fd);
      if (!want || !stat.isFile() || !sameIdentity(identityOfStat(stat), want)) throw new Error('changed');
    }
    return opened;
  } catch {
    for (const fd of opened.values()) fs.closeSync(fd);
    return null;
  }
}

/**
 * The assembled files on disk are exactly the ones the recorded assembly wrote: false when one is
 * missing, or was changed or replaced since, so that it is assembled again.
 */
export function assembledFilesIntact(paths: ReplayPaths, record: AssemblyRecord | null): boolean {
  const opened = openRecorded(paths, record);
  for (const fd of opened?.values() ?? []) fs.closeSync(fd);
  return opened !== null;
}

/** Where each run's part lies in each file of the previous assembly: the table order, then running sums of the bytes. */
function previousRanges(entries: ReadonlyMap<string, RunIndexEntry>): Map<string, Map<string, number>> {
  const ranges = new Map<string, Map<string, number>>();
  const offsets = Object.fromEntries(ASSEMBLED_FILES.map((file) => [file, Buffer.byteLength(headerOf(file))]));
  for (const entry of tableOrder(entries)) {
    const starts = new Map<string, number>();
    for (const file of Object.keys(offsets)) {
      starts.set(file, offsets[file]!);
      offsets[file]! += entry.tableBytes[file] ?? 0;
    }
    ranges.set(entry.runId, starts);
  }
  return ranges;
}

/** Appends a byte range of an old file to a new one, in chunks; consecutive ranges are joined first. */
class RangeCopier {
  private start = 0;
  private end = 0;
  private readonly chunk = Buffer.allocUnsafe(1 << 20);

  constructor(
    private readonly from: number,
    private readonly to: AtomicFile,
  ) {}

  add(start: number, length: number): void {
    if (length === 0) return;
    if (start === this.end && this.end > this.start) {
      this.end += length;
      return;
    }
    this.flush();
    this.start = start;
    this.end = start + length;
  }

  flush(): void {
    for (let at = this.start; at < this.end;) {
      const n = fs.readSync(this.from, this.chunk, 0, Math.min(this.chunk.length, this.end - at), at);
      if (n <= 0) throw new Error('the previous table ended early');
      this.to.write(this.chunk.subarray(0, n));
      at += n;
    }
    this.start = this.end = 0;
  }
}

/**
 * Rewrites the seven tables and the analyzer's inputs (one JSON line per run) in table order (run
 * start, then id). A run whose fragment did not change since the last assembly is copied from that
 * assembly's files, byte range by byte range (consecutive runs in one read); the others are read
 * from their fragment files, each once for all eight files. Memory holds one run's rows and a
 * buffer. Each file is committed (fsync, rename), each folder fsync'd. Returns the data rows per
 * table and the files' identities, for the record the caller writes once the index is saved.
 */
// eslint-disable-next-line complexity -- copy unchanged ranges or append fragments, then commit: one durable sequence, in order
export function assembleDerivedTables(
  paths: ReplayPaths,
  runs: readonly RunIndexEntry[],
  previous?: PreviousAssembly,
):
  | { rows: Map<string, number>; files: Record<string, FileIdentity> }
  | { unverified: ReadonlyArray<{ readonly runId: string; readonly problem: string }> } {
  const files = outputFiles(paths);
  const outputs = new Map(Object.entries(files).map(([file, full]) => [file, new AtomicFile(full)]));
  const rowCounts = new Map(TABLE_FILES.map((file) => [file, 0]));
  const old = openRecorded(paths, previous?.record ?? null);
  const ranges = old && previous ? previousRanges(previous.entries) : null;
  const copiers = old ? new Map([...old.entries()].map(([file, fd]) => [file, new RangeCopier(fd, outputs.get(file)!)])) : null;
  const fragments = new FragmentReader();
  const unverified: Array<{ runId: string; problem: string }> = [];
  try {
    for (const [file, out] of outputs) out.write(headerOf(file));
    for (const run of runs) {
      for (const file of TABLE_FILES) rowCounts.set(file, rowCounts.get(file)! + (run.tableRows[file] ?? 0));
      const starts = ranges?.get(run.runId);
      const was = previous?.entries.get(run.runId);
      if (copiers && starts && was && !previous!.changedRuns.has(run.runId)) {
        for (const [file, copier] of copiers) copier.add(starts.get(file)!, was.tableBytes[file] ?? 0);
        continue;
      }
      for (const copier of copiers?.values() ?? []) copier.flush();
      const parts = fragments.read(runRowsFile(paths, run.runId));
      if (typeof parts === 'string') {
        unverified.push({ runId: run.runId, problem: parts });
        continue;
      }
      if (unverified.length === 0) for (const [file, part] of parts) if (part.length > 0) outputs.get(file)!.write(part);
    }
    if (unverified.length > 0) {
      // Nothing is committed: the caller rebuilds these runs from their journals and assembles again.
      for (const out of outputs.values()) out.abort();
      return { unverified };
    }
    for (const copier of copiers?.values() ?? []) copier.flush();
    // Each file fsync'd and renamed, then each of the two folders fsync'd once.
    for (const out of outputs.values()) out.commit({ syncFolder: false });
    for (const dir of new Set([...outputs.values()].map((out) => path.dirname(out.file)))) fsyncDirectory(nodeFileOps, dir);
  } catch (error) {
    for (const out of outputs.values()) out.abort();
    throw error;
  } finally {
    for (const fd of old?.values() ?? []) fs.closeSync(fd);
  }
  return { rows: rowCounts, files: identitiesOf(files) };
}
