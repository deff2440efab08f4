import fs from 'node:fs';
import path from 'node:path';
import { importRuns, type ImportReport } from '../../src/import/import-runs.js';
import { PriceBook } from '../../src/prices/price-book.js';
import { loadRunReadModels } from '../../replay/read-models.js';
import type { RunReadModels } from '../../projections/run-projection.js';
import { FIXTURES, journalEntries, type JournalLine } from './child.js';

export const IMPORT_FIXTURE_DIR = path.join(FIXTURES, 'import');

/** `runledger import` in this process (no CLI start-up): the same importRuns the command calls, with today's price table. */
export async function importHere(
  format: string,
  paths: readonly string[],
  dir: string,
  extra: { results?: string; force?: boolean; config?: Array<{ key: string; value: string | number }> } = {},
): Promise<ImportReport> {
  return importRuns({
    format,
    paths,
    logsDir: dir,
    projectId: format,
    config: extra.config ?? [],
    force: extra.force === true,
    prices: new PriceBook({ overrideFile: null, onUnpriced: () => {} }),
    ...(extra.results === undefined ? {} : { results: extra.results }),
  });
}

/** The read models of the one run a folder holds (or of the run named). */
export async function runModels(dir: string, runId?: string): Promise<RunReadModels> {
  const { runs } = await loadRunReadModels({ dir });
  const run = runId === undefined ? runs[0] : runs.find((r) => r.run.runId === runId);
  if (run === undefined) throw new Error(`no run ${runId ?? ''} in ${dir}`);
  return run;
}

export function journalOf(dir: string, runId: string): JournalLine[] {
  return journalEntries(path.join(dir, 'runs', runId, 'events.ndjson'));
}

export function journalText(dir: string, runId: string): string {
  return fs.readFileSync(path.join(dir, 'runs', runId, 'events.ndjson'), 'utf8');
}
