import fs from 'node:fs';
import path from 'node:path';
import { removeFileDurably, writeFileAtomic } from '../src/durable/atomic-file.js';
import { resolveLogsDir } from '../src/journal/paths.js';
import { replayPaths, type ReplayPaths } from './replay-paths.js';

/**
 * The marker that says the seven tables and the analyzer's inputs lag behind the runs' JSON files:
 * a live update replayed runs without assembling the tables (docs/DESIGN.md §7.4). It holds since when;
 * the next replay that assembles the tables removes it. Read by the CLI and the reports, never
 * written into a table.
 */
export const tablesStaleFile = (paths: ReplayPaths): string => path.join(paths.stateDir, 'tables-stale.json');

/** Since when the tables lag behind (ms since the epoch), or null when they are current. */
export function tablesStaleSince(paths: ReplayPaths): number | null {
  let text: string;
  try {
    text = fs.readFileSync(tablesStaleFile(paths), 'utf8');
  } catch {
    return null;
  }
  try {
    const since = Date.parse((JSON.parse(text) as { since?: string }).since ?? '');
    return Number.isFinite(since) ? since : 0;
  } catch {
    return 0; // a damaged marker still says the tables are stale, since an unknown time
  }
}

/** Marks the tables stale from `now` unless they already are; returns since when they are. */
export function markTablesStale(paths: ReplayPaths, now: number): number {
  const since = tablesStaleSince(paths);
  if (since !== null) return since;
  writeFileAtomic(tablesStaleFile(paths), `${JSON.stringify({ since: new Date(now).toISOString() })}\n`);
  return now;
}

/** The tables are current again (the caller holds the derived-files lock and has just assembled them). */
export function clearTablesStale(paths: ReplayPaths): void {
  if (fs.existsSync(tablesStaleFile(paths))) removeFileDurably(tablesStaleFile(paths));
}

/**
 * For readers of logs/csv (a spreadsheet, a script, a report): since when the tables have lagged behind
 * the runs' JSON files, or null when they are current. `runledger replay` (and every command that reads
 * them, which replays first) brings them up to date.
 */
export function tablesStaleSinceIn(dir?: string): Date | null {
  const since = tablesStaleSince(replayPaths(resolveLogsDir(dir)));
  return since === null ? null : new Date(since);
}
