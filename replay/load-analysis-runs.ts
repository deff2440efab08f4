import fs from 'node:fs';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { resolveLogsDir } from '../src/journal/paths.js';
import { analysisRunsWithoutWriting, derivedFilesWritable } from './read-only.js';
import { replayThenRead, type ReplayReport } from './replay.js';
import type { PricesAs } from './prices-as.js';
import { analysisInputsFile, replayPaths } from './replay-paths.js';

/**
 * The analyzer's inputs, current: replay first (incremental: it reads only what is new), then the
 * one line per run that replay assembled, read under the same derived-files lock. When the logs folder is read-only, the journals are read
 * in full and nothing is written (`readOnly`).
 */
export async function loadAnalysisRuns(
  options: {
    dir?: string;
    /** 'current': every token record priced again with today's table and `prices` (see reprice.ts); default 'recorded'. */
    pricesAs?: PricesAs;
    /** The override file for `pricesAs: 'current'`; `undefined` reads RUNLEDGER_PRICES, `null` means none. */
    prices?: string | null;
  } = {},
): Promise<{ runs: AnalysisRun[]; replay: ReplayReport; readOnly: boolean }> {
  const dir = resolveLogsDir(options.dir);
  // Re-pricing reads every journal with the event schemas (and zod): loaded only when asked for.
  const priced = async (runs: AnalysisRun[]): Promise<AnalysisRun[]> =>
    options.pricesAs === 'current' ? (await import('./reprice.js')).repriceAnalysisRuns(dir, runs, options.prices) : runs;
  // A read-only logs folder (a copy, a mount) is analysed from its journals, writing nothing.
  if (!derivedFilesWritable(dir)) {
    return { runs: await priced(await analysisRunsWithoutWriting(dir)), replay: { dir, ok: true, runs: [], tables: [] }, readOnly: true };
  }
  const { runs, report } = await replayThenRead(dir, async (report) => ({
    runs: await readAnalysisRuns(analysisInputsFile(replayPaths(dir))),
    report,
  }));
  return { runs: await priced(runs), replay: report, readOnly: false };
}

/**
 * Our own well-formed NDJSON (one JSON.stringify per run, each ending in "\n"), streamed in 1 MiB
 * chunks and parsed a line at a time; a malformed line throws. The ndjson package's stream, one
 * object-mode chunk per line, took 73 ms of CPU for the 6.3 MB of 10,000 runs; this takes 55 ms.
 */
async function readAnalysisRuns(file: string): Promise<AnalysisRun[]> {
  const runs: AnalysisRun[] = [];
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let at = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', at)) {
      if (newline > at) runs.push(JSON.parse(text.slice(at, newline)) as AnalysisRun);
      at = newline + 1;
    }
    rest = text.slice(at);
  }
  if (rest.length > 0) runs.push(JSON.parse(rest) as AnalysisRun);
  return runs;
}
