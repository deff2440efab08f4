import fs from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ndjson from 'ndjson';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { resolveLogsDir } from '../src/journal/paths.js';
import { replay, type ReplayReport } from './replay.js';
import { analysisInputsFile, replayPaths } from './replay-paths.js';

/**
 * The analyzer's inputs, current: replay first (incremental: it reads only what is new), then the
 * one line per run that replay assembled. Our own well-formed NDJSON, so the ndjson package's
 * strict streaming parser fits.
 */
export async function loadAnalysisRuns(options: { dir?: string } = {}): Promise<{ runs: AnalysisRun[]; replay: ReplayReport }> {
  const dir = resolveLogsDir(options.dir);
  const report = await replay({ dir });
  const runs: AnalysisRun[] = [];
  await pipeline(
    fs.createReadStream(analysisInputsFile(replayPaths(dir))),
    ndjson.parse({ strict: true }),
    new Writable({
      objectMode: true,
      write(run: AnalysisRun, _encoding, done) {
        runs.push(run);
        done();
      },
    }),
  );
  return { runs, replay: report };
}
