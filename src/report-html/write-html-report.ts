import path from 'node:path';
import { analysisReport } from '../analysis/report.js';
import { resolveLogsDir } from '../journal/paths.js';
import { loadAnalysisRuns } from '../../replay/load-analysis-runs.js';
import { writeFileAtomic } from '../durable/atomic-file.js';
import { loadRunReadModels } from '../../replay/read-models.js';
import type { PricesAs } from '../../replay/prices-as.js';
import { renderHtmlReport } from './render-html-report.js';

export interface WriteHtmlReportOptions {
  /** The logs folder; default RUNLEDGER_DIR, else ./logs. */
  readonly dir?: string;
  /** The HTML file to write (atomically: temporary file, fsync, rename). */
  readonly out: string;
  /** Bootstrap seed and resamples, as for `runledger report`; defaults 1 and 2000. */
  readonly seed?: number;
  readonly resamples?: number;
  /** Trends over the last N finished runs only. */
  readonly lastN?: number;
  readonly title?: string;
  /** 'current': costs priced again with today's table and `prices`, shown beside the recorded ones; default 'recorded'. */
  readonly pricesAs?: PricesAs;
  /** The override file for `pricesAs: 'current'`; `undefined` reads RUNLEDGER_PRICES, `null` means none. */
  readonly prices?: string | null;
}

/**
 * Replays (incrementally), analyses and writes the self-contained HTML report. Returns the
 * absolute path of the file written.
 */
export async function writeHtmlReport(options: WriteHtmlReportOptions): Promise<string> {
  const dir = resolveLogsDir(options.dir);
  const pricesAs = options.pricesAs ?? 'recorded';
  const { runs: analysisRuns } = await loadAnalysisRuns({ dir, pricesAs, prices: options.prices });
  const { runs } = await loadRunReadModels({ dir });
  const analysis = analysisReport(analysisRuns, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
    ...(options.lastN === undefined ? {} : { lastN: options.lastN }),
  });
  const html = renderHtmlReport({
    analysis,
    runs,
    generatedFrom: dir,
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(pricesAs === 'current' ? { pricedNow: analysisRuns } : {}),
  });
  const out = path.resolve(options.out);
  writeFileAtomic(out, html);
  return out;
}
