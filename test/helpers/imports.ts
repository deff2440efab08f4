import fs from 'node:fs';
import path from 'node:path';
import { CLI, FIXTURES, journalEntries, runNode, type JournalLine } from './child.js';

export const IMPORT_FIXTURES = path.join(FIXTURES, 'import');

/** `runledger import <format> <paths…> --dir <dir> [rest]` with the built CLI. */
export function runImport(format: string, paths: readonly string[], dir: string, ...rest: string[]) {
  return runNode([CLI, 'import', format, ...paths, '--dir', dir, ...rest]);
}

/** The report `runledger import --json` prints. */
export interface ImportJson {
  readonly format: string;
  readonly runs: ReadonlyArray<{ kind: 'imported' | 'already-imported'; runId: string; label: string; events?: number; issues?: number }>;
  readonly refused: ReadonlyArray<{ path: string; code: string; message: string }>;
  readonly unpricedModels: readonly string[];
}

export async function importJson(format: string, paths: readonly string[], dir: string, ...rest: string[]) {
  const result = await runImport(format, paths, dir, '--json', ...rest);
  return { code: result.code, stderr: result.stderr, report: JSON.parse(result.stdout) as ImportJson };
}

/** A run's journal lines. */
export function runJournal(dir: string, runId: string): JournalLine[] {
  return journalEntries(path.join(dir, 'runs', runId, 'events.ndjson'));
}

/** The folders under runs/ (none when runs/ does not exist). */
export function runFolders(dir: string): string[] {
  const runs = path.join(dir, 'runs');
  return fs.existsSync(runs) ? fs.readdirSync(runs).sort() : [];
}

/** Copies a fixture folder or file into `dir`, so a test may change it (or its times) without touching the fixture. */
export function copyFixture(relative: string, dir: string): string {
  const target = path.join(dir, path.basename(relative));
  fs.cpSync(path.join(IMPORT_FIXTURES, relative), target, { recursive: true });
  return target;
}
