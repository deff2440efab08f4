import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TABLE_FILES, TABLE_HEADERS } from '../projections/tables/tables.js';
import { AtomicFile, fsyncDir, writeFileAtomic } from './atomic-file.js';
import { encodeCsvRows, UTF8_BOM } from './csv-encoding.js';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { analysisInputsFile, runRowsFile, type ReplayPaths } from './replay-paths.js';
import { tableOrder, type RunIndexEntry } from './run-index.js';

/** What one run contributes to each table (CSV-encoded) and to the analyzer's inputs, as replay-run stores it. */
export interface RunFragments {
  readonly tables: Record<string, { readonly csv: string; readonly rows: number }>;
  readonly analysis: AnalysisRun;
}

/** The analyzer's inputs among the assembled files: one JSON line per run. */
const ANALYSIS = 'analysis-runs.ndjson';

const OUTPUTS = [...TABLE_FILES, ANALYSIS];

const analysisLine = (fragments: RunFragments): string => `${JSON.stringify(fragments.analysis)}\n`;

/** Bytes of a run's part of each assembled file, as assembly writes them. */
export function fragmentBytes(fragments: RunFragments): Record<string, number> {
  const bytes: Record<string, number> = { [ANALYSIS]: Buffer.byteLength(analysisLine(fragments)) };
  for (const file of TABLE_FILES) bytes[file] = Buffer.byteLength(fragments.tables[file]?.csv ?? '');
  return bytes;
}

/**
 * What the last assembly left, to be reused: its id (also saved in the index, after the files),
 * the index entries it was made from, and the runs whose fragments changed since. Without it, or
 * when the files on disk are not exactly the ones that assembly made, everything is read from the
 * runs' fragments.
 */
export interface PreviousAssembly {
  readonly assembly: string | null;
  readonly entries: ReadonlyMap<string, RunIndexEntry>;
  readonly changedRuns: ReadonlySet<string>;
}

interface FileIdentity {
  readonly size: number;
  readonly ino: number;
  readonly mtimeMs: number;
}

const assemblyFile = (paths: ReplayPaths): string => path.join(paths.stateDir, 'tables.json');
const outputFiles = (paths: ReplayPaths): Record<string, string> =>
  Object.fromEntries(OUTPUTS.map((file) => [file, file === ANALYSIS ? analysisInputsFile(paths) : path.join(paths.csvDir, file)]));
const headerOf = (file: string): string => (file === ANALYSIS ? '' : UTF8_BOM + encodeCsvRows([TABLE_HEADERS.get(file)! as string[]]));

/**
 * The files of the last assembly, opened for reading, if they are exactly what it wrote: the
 * assembly id matches the index's, and each file has the size, inode and mtime recorded after its
 * rename. (A crash between the files and the index leaves ids or identities that do not match.)
 */
function openPrevious(paths: ReplayPaths, previous: PreviousAssembly | undefined): Map<string, number> | null {
  if (!previous?.assembly) return null;
  let recorded: { assembly?: string; files?: Record<string, FileIdentity> };
  try {
    recorded = JSON.parse(fs.readFileSync(assemblyFile(paths), 'utf8')) as typeof recorded;
  } catch {
    return null;
  }
  if (recorded.assembly !== previous.assembly || !recorded.files) return null;
  const opened = new Map<string, number>();
  try {
    for (const [file, full] of Object.entries(outputFiles(paths))) {
      const want = recorded.files[file];
      const fd = fs.openSync(full, 'r');
      opened.set(file, fd);
      const stat = fs.fstatSync(fd);
      if (!want || stat.size !== want.size || stat.ino !== want.ino || stat.mtimeMs !== want.mtimeMs) throw new Error('changed');
    }
    return opened;
  } catch {
    for (const fd of opened.values()) fs.closeSync(fd);
    return null;
  }
}

/** Where each run's part lies in each file of the previous assembly: the table order, then running sums of the bytes. */
function previousRanges(entries: ReadonlyMap<string, RunIndexEntry>): Map<string, Map<string, number>> {
  const ranges = new Map<string, Map<string, number>>();
  const offsets = Object.fromEntries(OUTPUTS.map((file) => [file, Buffer.byteLength(headerOf(file))]));
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
    for (let at = this.start; at < this.end; ) {
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
 * buffer. Each file is committed (fsync, rename), each folder fsync'd, then the new assembly's id
 * and file identities are recorded; the caller saves the index with that id last. Returns the data
 * rows per table and the new assembly id.
 */
export function assembleDerivedTables(
  paths: ReplayPaths,
  runs: readonly RunIndexEntry[],
  previous?: PreviousAssembly,
): { rows: Map<string, number>; assembly: string } {
  const files = outputFiles(paths);
  const outputs = new Map(Object.entries(files).map(([file, full]) => [file, new AtomicFile(full)]));
  const rowCounts = new Map(TABLE_FILES.map((file) => [file, 0]));
  const old = openPrevious(paths, previous);
  const ranges = old && previous ? previousRanges(previous.entries) : null;
  const copiers = old ? new Map([...old.entries()].map(([file, fd]) => [file, new RangeCopier(fd, outputs.get(file)!)])) : null;
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
      const fragments = JSON.parse(fs.readFileSync(runRowsFile(paths, run.runId), 'utf8')) as RunFragments;
      outputs.get(ANALYSIS)!.write(analysisLine(fragments));
      for (const file of TABLE_FILES) {
        const fragment = fragments.tables[file];
        if (fragment) outputs.get(file)!.write(fragment.csv);
      }
    }
    for (const copier of copiers?.values() ?? []) copier.flush();
    // Each file fsync'd and renamed, then each of the two folders fsync'd once.
    for (const out of outputs.values()) out.commit({ syncFolder: false });
    for (const dir of new Set([...outputs.values()].map((out) => path.dirname(out.file)))) fsyncDir(dir);
  } catch (error) {
    for (const out of outputs.values()) out.abort();
    throw error;
  } finally {
    for (const fd of old?.values() ?? []) fs.closeSync(fd);
  }
  const assembly = randomBytes(8).toString('hex');
  const identities = Object.fromEntries(
    Object.entries(files).map(([file, full]) => {
      const stat = fs.statSync(full);
      return [file, { size: stat.size, ino: stat.ino, mtimeMs: stat.mtimeMs } satisfies FileIdentity];
    }),
  );
  writeFileAtomic(assemblyFile(paths), `${JSON.stringify({ assembly, files: identities })}\n`);
  return { rows: rowCounts, assembly };
}
