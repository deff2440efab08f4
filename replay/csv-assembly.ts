import fs from 'node:fs';
import path from 'node:path';
import { TABLE_FILES, TABLE_HEADERS } from '../projections/tables/tables.js';
import { AtomicFile, fsyncDir } from './atomic-file.js';
import { encodeCsvRows, UTF8_BOM } from './csv-encoding.js';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { analysisInputsFile, runRowsFile, type ReplayPaths } from './replay-paths.js';
import type { RunIndexEntry } from './run-index.js';

/** What one run contributes to each table (CSV-encoded) and to the analyzer's inputs, as replay-run stores it. */
export interface RunFragments {
  readonly tables: Record<string, { readonly csv: string; readonly rows: number }>;
  readonly analysis: AnalysisRun;
}

/**
 * Rewrites the seven tables and the analyzer's inputs (one JSON line per run) from the runs'
 * fragments, in table order (run start, then id). Each fragment file is read once and streamed into
 * all eight files, so memory holds one run's rows. Returns the number of data rows per table.
 */
export function assembleDerivedTables(paths: ReplayPaths, runs: readonly RunIndexEntry[]): Map<string, number> {
  const analysis = new AtomicFile(analysisInputsFile(paths));
  const outputs = [...TABLE_FILES.map((file) => new AtomicFile(path.join(paths.csvDir, file))), analysis];
  const rowCounts = new Map(TABLE_FILES.map((file) => [file, 0]));
  try {
    TABLE_FILES.forEach((file, i) => outputs[i]!.write(UTF8_BOM + encodeCsvRows([TABLE_HEADERS.get(file)! as string[]])));
    for (const run of runs) {
      const fragments = JSON.parse(fs.readFileSync(runRowsFile(paths, run.runId), 'utf8')) as RunFragments;
      analysis.write(`${JSON.stringify(fragments.analysis)}\n`);
      TABLE_FILES.forEach((file, i) => {
        const fragment = fragments.tables[file];
        if (!fragment) return;
        outputs[i]!.write(fragment.csv);
        rowCounts.set(file, rowCounts.get(file)! + fragment.rows);
      });
    }
    // Each file fsync'd and renamed, then each of the two folders fsync'd once.
    for (const out of outputs) out.commit({ syncFolder: false });
    for (const dir of new Set(outputs.map((out) => path.dirname(out.file)))) fsyncDir(dir);
  } catch (error) {
    for (const out of outputs) out.abort();
    throw error;
  }
  return rowCounts;
}
