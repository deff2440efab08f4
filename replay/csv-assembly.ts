import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TABLE_FILES, TABLE_HEADERS } from '../projections/tables/tables.js';
import { ANALYSIS_FILE, ASSEMBLED_FILES } from './assembled-files.js';
import { AtomicFile, writeFileAtomic } from '../src/durable/atomic-file.js';
import { sha256Hex } from '../src/journal/line.js';
import { fsyncDirectory, nodeFileOps } from '../src/durable/file-ops.js';
import { encodeCsvRows, UTF8_BOM } from './csv-encoding.js';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { analysisInputsFile, runRowsFile, type ReplayPaths } from './replay-paths.js';
import { tableOrder, type RunIndexEntry } from './run-index.js';

/** What one run contributes to each table (CSV-encoded) and to the analyzer's inputs, as replay-run makes it. */
export interface RunFragments {
  readonly tables: Record<string, { readonly csv: string; readonly rows: number }>;
  readonly analysis: AnalysisRun;
}

/**
 * A run's fragment file: one JSON line naming the bytes of each part, then the parts themselves,
 * in ASSEMBLED_FILES order, exactly as they go into the assembled files. Assembly copies them as bytes and
 * never turns a run's rows into JS strings again (for a run of 1,000 events they are tens of KB).
 */
export function encodeFragments(fragments: RunFragments): { bytes: Buffer; tableBytes: Record<string, number> } {
  const parts = ASSEMBLED_FILES.map((file) =>
    Buffer.from(file === ANALYSIS_FILE ? `${JSON.stringify(fragments.analysis)}\n` : (fragments.tables[file]?.csv ?? ''), 'utf8'),
  );
  const tableBytes = Object.fromEntries(ASSEMBLED_FILES.map((file, i) => [file, parts[i]!.length]));
  const body = Buffer.concat(parts);
  const header = Buffer.from(`${JSON.stringify({ bytes: tableBytes, sha256: sha256Hex(body) })}\n`, 'utf8');
  return { bytes: Buffer.concat([header, body]), tableBytes };
}

/**
 * Reads fragment files into one buffer, reused from run to run. A fresh buffer per file is memory
 * outside the JS heap that waits for a collection, and assembly makes little JS garbage to cause
 * one: at 10,000 runs that raised the peak RSS by tens of MB.
 */
class FragmentReader {
  private buffer = Buffer.allocUnsafe(1 << 16);

  /**
   * The parts of a fragment file, by output file, valid until the next read; or why the file does not
   * verify (missing, its lengths or its SHA-256 wrong): derived state is never trusted over the journal.
   */
  read(file: string): Map<string, Buffer> | string {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (error) {
      return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    let size: number;
    try {
      size = fs.fstatSync(fd).size;
      if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(Math.max(size, this.buffer.length * 2));
      for (let at = 0; at < size;) {
        const n = fs.readSync(fd, this.buffer, at, size - at, at);
        if (n <= 0) throw new Error(`${file} ended early`);
        at += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    return splitFragment(this.buffer.subarray(0, size));
  }
}

/** A fragment's parts, or why its bytes are not a fragment of this runledger (header, lengths, SHA-256). */
function splitFragment(bytes: Buffer): Map<string, Buffer> | string {
  const size = bytes.length;
  const newline = bytes.indexOf(0x0a);
  let header: { bytes?: Record<string, number>; sha256?: unknown };
  try {
    header = newline < 0 ? {} : (JSON.parse(bytes.toString('utf8', 0, newline)) as typeof header);
  } catch {
    header = {};
  }
  if (header === null || typeof header !== 'object') header = {};
  const parts = new Map<string, Buffer>();
  let at = newline + 1;
  for (const output of ASSEMBLED_FILES) {
    const length = header.bytes?.[output];
    if (newline < 0 || !Number.isSafeInteger(length) || length! < 0 || at + length! > size)
      return 'its header or lengths are not a fragment of this runledger';
    parts.set(output, bytes.subarray(at, at + length!));
    at += length!;
  }
  if (at !== size) return `its length is ${size} bytes, not the ${at} its header says`;
  if (header.sha256 !== sha256Hex(bytes.subarray(newline + 1))) return 'its SHA-256 does not match its bytes';
  return parts;
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
/** The full path of each assembled file, by its name in ASSEMBLED_FILES. */
export const outputFiles = (paths: ReplayPaths): Record<string, string> =>
  Object.fromEntries(
    ASSEMBLED_FILES.map((file) => [file, file === ANALYSIS_FILE ? analysisInputsFile(paths) : path.join(paths.csvDir, file)]),
  );
const headerOf = (file: string): string => (file === ANALYSIS_FILE ? '' : UTF8_BOM + encodeCsvRows([TABLE_HEADERS.get(file)!]));

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

/**
 * The assembled files on disk are exactly the ones the assembly `assembly` wrote (tables.json's ids and
 * identities): false when one is missing, or was changed or replaced since, so that it is assembled again.
 */
export function assembledFilesIntact(paths: ReplayPaths, assembly: string | null): boolean {
  const opened = openPrevious(paths, { assembly, entries: new Map(), changedRuns: new Set() });
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
 * buffer. Each file is committed (fsync, rename), each folder fsync'd, then the new assembly's id
 * and file identities are recorded; the caller saves the index with that id last. Returns the data
 * rows per table and the new assembly id.
 */
// eslint-disable-next-line complexity -- copy unchanged ranges or append fragments, then commit: one durable sequence, in order
export function assembleDerivedTables(
  paths: ReplayPaths,
  runs: readonly RunIndexEntry[],
  previous?: PreviousAssembly,
): { rows: Map<string, number>; assembly: string } | { unverified: ReadonlyArray<{ readonly runId: string; readonly problem: string }> } {
  const files = outputFiles(paths);
  const outputs = new Map(Object.entries(files).map(([file, full]) => [file, new AtomicFile(full)]));
  const rowCounts = new Map(TABLE_FILES.map((file) => [file, 0]));
  const old = openPrevious(paths, previous);
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
