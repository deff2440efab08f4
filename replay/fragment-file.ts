import fs from 'node:fs';
import { sha256Hex } from '../src/journal/line.js';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { ANALYSIS_FILE, ASSEMBLED_FILES } from './assembled-files.js';

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
export class FragmentReader {
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
