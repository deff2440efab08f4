import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { EventData } from '../../events/registry.js';
import { ImportInputError, InvalidOptionError, RunledgerError } from '../errors.js';
import type { PriceBook } from '../prices/price-book.js';
import { runledgerVersion } from '../version.js';
import type { Importer, ImportedRun } from './importer.js';
import { IMPORTERS } from './registry.js';
import { importedRunConfig, type ConfigOverride } from './run-config.js';
import { RunFile } from './run-file.js';

export interface ImportRequest {
  readonly format: string;
  readonly paths: readonly string[];
  readonly logsDir: string;
  readonly projectId: string;
  readonly config: readonly ConfigOverride[];
  /** Import again even when a run already holds the source: a new run id. */
  readonly force: boolean;
  readonly results?: string;
  readonly prices: PriceBook;
  readonly onProgress?: (path: string, done: number, total: number | null) => void;
}

export type ImportOutcome =
  | { readonly kind: 'imported'; readonly runId: string; readonly label: string; readonly events: number; readonly issues: number }
  | { readonly kind: 'already-imported'; readonly runId: string; readonly label: string };

export interface RefusedSource {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export interface ImportReport {
  readonly format: string;
  readonly runs: readonly ImportOutcome[];
  /** Sources nothing was imported from (runs written before the failure of a source holding several stay). */
  readonly refused: readonly RefusedSource[];
}

/** Errors of reading a source (it is missing, a folder where a file was expected...): that source is refused, the others go on. */
const SOURCE_ERRNOS = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'ELOOP', 'ENAMETOOLONG']);

/**
 * Imports every path as `format`: each run it holds becomes one journal under `<logsDir>/runs/`,
 * written whole or not at all. A run whose id (derived from its source's hash) is already there
 * is not written again unless `force`. A source that cannot be read as the format is refused with
 * the file and line named, and the other sources are still imported.
 */
export async function importRuns(request: ImportRequest): Promise<ImportReport> {
  const load = IMPORTERS[request.format];
  if (load === undefined) throw new Error(`no importer for format ${JSON.stringify(request.format)}`);
  const importer = await load();
  if (request.results !== undefined && importer.results === undefined)
    throw new InvalidOptionError(
      `runledger import ${request.format}`,
      '--results',
      'not taken by this format: it reads all it needs from its own files',
    );
  RunFile.removeAbandoned(request.logsDir);
  const runs: ImportOutcome[] = [];
  const refused: RefusedSource[] = [];
  for (const inputPath of request.paths) {
    try {
      await importSource(importer, inputPath, request, runs);
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      if (error instanceof RunledgerError) refused.push({ path: inputPath, code: error.code, message: error.message });
      else if (errno !== undefined && SOURCE_ERRNOS.has(errno))
        refused.push({ path: inputPath, code: errno, message: `${inputPath}: ${(error as Error).message}` });
      else throw error;
    }
  }
  return { format: request.format, runs, refused };
}

async function importSource(importer: Importer, inputPath: string, request: ImportRequest, runs: ImportOutcome[]): Promise<void> {
  fs.statSync(inputPath); // a missing path is refused as such, before the format is guessed at
  if (!(await importer.detect(inputPath)))
    throw new ImportInputError(inputPath, null, `does not look like ${importer.format} input (${importer.format} takes ${importer.takes})`);
  const onProgress = request.onProgress;
  const options = {
    prices: request.prices,
    ...(request.results === undefined ? {} : { results: request.results }),
    ...(onProgress === undefined ? {} : { onProgress: (done: number, total: number | null) => onProgress(inputPath, done, total) }),
  };
  for await (const run of importer.runs(inputPath, options)) runs.push(await writeRun(importer.format, run, request));
}

/** One run: RunStarted from the run's config, then the importer's events, each validated; whole or nothing. */
async function writeRun(format: string, run: ImportedRun, request: ImportRequest): Promise<ImportOutcome> {
  const runId = runIdOf(format, run, request.force);
  if (!request.force && RunFile.existing(request.logsDir, runId) !== null) return { kind: 'already-imported', runId, label: run.label };
  const runStarted: EventData<'RunStarted'> = {
    projectId: request.projectId,
    runId,
    config: importedRunConfig(format, run, request.config),
    runledgerVersion: runledgerVersion(),
    priceTable: request.prices.tableInfo,
    host: { hostname: os.hostname() || 'unknown-host', pid: process.pid, platform: process.platform, nodeVersion: process.version },
    imported: true,
  };
  const file = RunFile.create(request.logsDir, runId);
  let issues = 0;
  let finished = false;
  try {
    file.append(run.startedAt, 'RunStarted', runStarted);
    for await (const event of run.events()) {
      if (finished)
        throw new ImportInputError(run.label, null, `an event (${event.type}) after RunFinished: the importer is wrong, please report it`);
      file.append(event.ts, event.type, event.data);
      if (event.type === 'IssueFinished') issues += 1;
      if (event.type === 'RunFinished') finished = true;
    }
    if (!finished)
      throw new ImportInputError(run.label, null, 'the run ended without RunFinished: the importer is wrong, please report it');
  } catch (error) {
    file.abort();
    throw error;
  }
  if (!file.commit()) return { kind: 'already-imported', runId, label: run.label };
  return { kind: 'imported', runId, label: run.label, events: file.events, issues };
}

function runIdOf(format: string, run: ImportedRun, force: boolean): string {
  const base = `${format}-${run.identity.slice(0, 16)}`;
  return force ? `${base}-${randomBytes(4).toString('hex')}` : base;
}
