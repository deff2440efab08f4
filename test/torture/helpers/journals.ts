import fs from 'node:fs';
import path from 'node:path';
import { checkJournalEvent, encodeLine, runPaths, scanJournal, type JournalEntry, type ScanResult } from '../../../src/index.js';

/** Every verified line of a run's journal, in order, and how the file ends (the recovering reader). */
export function scanRun(dir: string, runId: string): { entries: JournalEntry[]; scan: ScanResult } {
  const entries: JournalEntry[] = [];
  const scan = scanJournal(runPaths(dir, runId).journal, { runId, checkEvent: checkJournalEvent }, (entry) => entries.push(entry));
  return { entries, scan };
}

/** Start offsets of the newline-terminated lines of `bytes` (a last line without newline is left out). */
export function lineStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
    starts.push(start);
    start = nl + 1;
  }
  return starts;
}

/** The lines of a journal's bytes, each without its newline. */
export function splitLines(bytes: Buffer): Buffer[] {
  const starts = lineStarts(bytes);
  return starts.map((s, i) => bytes.subarray(s, (starts[i + 1] ?? bytes.length) - 1));
}

export function joinLines(lines: readonly Buffer[]): Buffer {
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
}

/**
 * The journal a writer would have produced for the same events under another run id: every line
 * re-encoded with the new run id (RunStarted's data names it too), so the hash chain is the
 * writer's own. Lets one recorded run become many independent runs for batch checks.
 */
export function reencodeForRun(
  journal: Buffer,
  runId: string,
  transform: (type: string, data: Record<string, unknown>) => Record<string, unknown> = (_t, d) => d,
): Buffer {
  let prev = '0'.repeat(64);
  const out: string[] = [];
  for (const line of splitLines(journal)) {
    const e = JSON.parse(line.toString('utf8')) as JournalEntry;
    const data = transform(e.type, e.type === 'RunStarted' ? { ...(e.data as Record<string, unknown>), runId } : e.data);
    const encoded = encodeLine({ v: e.v, seq: e.seq, ts: e.ts, runId, type: e.type, data, prev } as Omit<JournalEntry, 'hash'>);
    prev = encoded.entry.hash;
    out.push(encoded.text);
  }
  return Buffer.from(out.join(''), 'utf8');
}

/** Writes a journal for `runId` under `dir` (folder 0700, file 0600, like the writer). */
export function writeJournal(dir: string, runId: string, bytes: Buffer): string {
  const paths = runPaths(dir, runId);
  fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(paths.journal, bytes, { mode: 0o600 });
  return paths.journal;
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** metadata.json of a run, as replay wrote it, or null when there is none. */
export function runMetadata(dir: string, runId: string): Record<string, any> | null {
  const file = path.join(runPaths(dir, runId).runDir, 'metadata.json');
  return fs.existsSync(file) ? readJson(file) : null;
}

/** The quarantine files of a run: name -> bytes. */
export function quarantineFiles(dir: string, runId: string): Map<string, Buffer> {
  const qdir = runPaths(dir, runId).quarantineDir;
  const files = new Map<string, Buffer>();
  if (!fs.existsSync(qdir)) return files;
  for (const name of fs.readdirSync(qdir).sort()) files.set(name, fs.readFileSync(path.join(qdir, name)));
  return files;
}
