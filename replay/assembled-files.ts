import { TABLE_FILES } from '../projections/tables/tables.js';

/** The analyzer's inputs among the assembled files: one JSON line per run. */
export const ANALYSIS_FILE = 'analysis-runs.ndjson';

/** Every file a table assembly writes, in the order a run's fragment file holds its parts. */
export const ASSEMBLED_FILES: readonly string[] = [...TABLE_FILES, ANALYSIS_FILE];
