import fs from 'node:fs';
import path from 'node:path';
import { fdatasyncAsync, fsyncDirectory, nodeFileOps, PRIVATE_FILE_MODE } from '../src/durable/file-ops.js';
import { removeFileDurably } from '../src/durable/atomic-file.js';
import { sha256Hex } from '../src/journal/line.js';
import { decodeEntry, encodeEntry } from './run-index-codec.js';
import type { RunIndexEntry } from './run-index-entry.js';
import type { ReplayPaths } from './replay-paths.js';

/**
 * The index's pending entries (docs/DESIGN.md §7.4): a live update appends the entries of the runs it
 * replayed here instead of rewriting index.json whole (hundreds of bytes a run, MBs at 10,000 runs).
 * Each line names the index.json it extends (its generation) and carries the SHA-256 of the rest, so
 * a torn last line, or a log left by a crash after index.json was saved, is ignored: its runs are
 * then read again from their journals, which is always correct. The next replay that assembles the
 * tables folds these entries into index.json and removes the log.
 */
export const indexLogFile = (paths: ReplayPaths): string => path.join(paths.stateDir, 'index-pending.ndjson');

const sealed = (generation: string, entry: unknown): string => JSON.stringify({ generation, entry });

/**
 * Appends one line per entry, then fdatasyncs (on libuv's threads: a live update runs on a
 * supervisor's event loop); the derived files the entries describe are durable already. Returns the
 * log's size.
 */
export async function appendIndexLog(paths: ReplayPaths, generation: string, entries: readonly RunIndexEntry[]): Promise<number> {
  const file = indexLogFile(paths);
  if (entries.length === 0) return fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  const created = !fs.existsSync(file);
  const fd = nodeFileOps.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, PRIVATE_FILE_MODE);
  let size: number;
  try {
    // After a torn append the file does not end in a newline: start a fresh line so this one verifies.
    size = nodeFileOps.fstatSync(fd).size;
    let text = size > 0 && !endsWithNewline(file, size) ? '\n' : '';
    for (const entry of entries) {
      const encoded = encodeEntry(entry);
      text += `${JSON.stringify({ sha256: sha256Hex(sealed(generation, encoded)), generation, entry: encoded })}\n`;
    }
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length;) at += nodeFileOps.writeSync(fd, bytes, at, bytes.length - at, null);
    await fdatasyncAsync(nodeFileOps, fd);
    size += bytes.length;
  } finally {
    nodeFileOps.closeSync(fd);
  }
  if (created) fsyncDirectory(nodeFileOps, paths.stateDir);
  return size;
}

function endsWithNewline(file: string, size: number): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The log's verified entries that extend index.json of `generation`, the latest per run: those in its
 * first `assembledBytes` bytes (what the recorded table assembly included) and those after; and the
 * log's size.
 */
export function readIndexLog(
  paths: ReplayPaths,
  generation: string | null,
  assembledBytes = 0,
): { assembled: Map<string, RunIndexEntry>; pending: Map<string, RunIndexEntry>; bytes: number } {
  const found = { assembled: new Map<string, RunIndexEntry>(), pending: new Map<string, RunIndexEntry>(), bytes: 0 };
  if (generation === null) return found;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(indexLogFile(paths));
  } catch {
    return found;
  }
  found.bytes = bytes.length;
  const split = Math.min(assembledBytes, bytes.length);
  decodeLines(bytes.toString('utf8', 0, split), generation, found.assembled);
  decodeLines(bytes.toString('utf8', split), generation, found.pending);
  for (const runId of found.pending.keys()) found.assembled.delete(runId);
  return found;
}

/** The entries of the log's lines from byte `from` on (what a table assembly has not taken in yet), and the log's size. */
export function readIndexLogFrom(
  paths: ReplayPaths,
  generation: string,
  from: number,
): { pending: Map<string, RunIndexEntry>; bytes: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(indexLogFile(paths), 'r');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && from === 0 ? { pending: new Map(), bytes: 0 } : null;
  }
  try {
    const size = fs.fstatSync(fd).size;
    // A log shorter than what was assembled from it is not that log.
    if (size < from) return null;
    const bytes = Buffer.allocUnsafe(size - from);
    for (let at = 0; at < bytes.length;) {
      const n = fs.readSync(fd, bytes, at, bytes.length - at, from + at);
      if (n <= 0) return null;
      at += n;
    }
    const pending = new Map<string, RunIndexEntry>();
    decodeLines(bytes.toString('utf8'), generation, pending);
    return { pending, bytes: size };
  } finally {
    fs.closeSync(fd);
  }
}

function decodeLines(text: string, generation: string, into: Map<string, RunIndexEntry>): void {
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    let parsed: { sha256?: unknown; generation?: unknown; entry?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      continue; // a torn line
    }
    if (parsed === null || typeof parsed !== 'object' || parsed.generation !== generation) continue;
    if (parsed.sha256 !== sha256Hex(sealed(generation, parsed.entry))) continue;
    const entry = decodeEntry(parsed.entry);
    if (entry !== null) into.set(entry.runId, entry);
  }
}

/** After index.json took the log's entries in (with a new generation, so a log left here is ignored anyway). */
export function removeIndexLog(paths: ReplayPaths): void {
  if (fs.existsSync(indexLogFile(paths))) removeFileDurably(indexLogFile(paths));
}
