import fs from 'node:fs';
import path from 'node:path';
import { fsyncDirectory, nodeFileOps, PRIVATE_FILE_MODE } from '../src/durable/file-ops.js';
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

/** Appends one line per entry, then fdatasyncs; the derived files the entries describe are durable already. */
export function appendIndexLog(paths: ReplayPaths, generation: string, entries: readonly RunIndexEntry[]): void {
  if (entries.length === 0) return;
  const file = indexLogFile(paths);
  const created = !fs.existsSync(file);
  const fd = nodeFileOps.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, PRIVATE_FILE_MODE);
  try {
    // After a torn append the file does not end in a newline: start a fresh line so this one verifies.
    const size = nodeFileOps.fstatSync(fd).size;
    let text = size > 0 && !endsWithNewline(file, size) ? '\n' : '';
    for (const entry of entries) {
      const encoded = encodeEntry(entry);
      text += `${JSON.stringify({ sha256: sha256Hex(sealed(generation, encoded)), generation, entry: encoded })}\n`;
    }
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length;) at += nodeFileOps.writeSync(fd, bytes, at, bytes.length - at, null);
    nodeFileOps.fdatasyncSync(fd);
  } finally {
    nodeFileOps.closeSync(fd);
  }
  if (created) fsyncDirectory(nodeFileOps, paths.stateDir);
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

/** The log's verified entries that extend index.json of `generation`, the latest per run. */
export function readIndexLog(paths: ReplayPaths, generation: string | null): Map<string, RunIndexEntry> {
  const entries = new Map<string, RunIndexEntry>();
  if (generation === null) return entries;
  let text: string;
  try {
    text = fs.readFileSync(indexLogFile(paths), 'utf8');
  } catch {
    return entries;
  }
  for (const line of text.split('\n')) {
    let parsed: { sha256?: unknown; generation?: unknown; entry?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      continue; // a torn line
    }
    if (parsed === null || typeof parsed !== 'object' || parsed.generation !== generation) continue;
    if (parsed.sha256 !== sha256Hex(sealed(generation, parsed.entry))) continue;
    const entry = decodeEntry(parsed.entry);
    if (entry !== null) entries.set(entry.runId, entry);
  }
  return entries;
}

/** After index.json took the log's entries in (with a new generation, so a log left here is ignored anyway). */
export function removeIndexLog(paths: ReplayPaths): void {
  if (fs.existsSync(indexLogFile(paths))) removeFileDurably(indexLogFile(paths));
}
