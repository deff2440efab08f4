import { DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_BOOTSTRAP_SEED, type BootstrapOptions } from './stats/bootstrap.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';
import { bestConfiguration, type BestConfigurationReport } from './best.js';
import { analysedRuns, compareConfigurations, type Comparison } from './compare.js';
import { configKeysOf } from './config-keys.js';
import { costEfficiency, type CostEfficiencyReport } from './cost-efficiency.js';
import { parameterInfluence, type InfluenceReport } from './influence.js';
import { assertAnalysisOptions } from './options.js';
import { performanceTrends, type TrendReport } from './trends.js';

/** The v2 metrics system's comparison report, with intervals: what `runledger report` prints and --format json returns. */
export interface AnalysisReport {
  /**
   * `analysed`: every run no longer running (their finished issues are what is analysed), and
   * `ended`, how many of them ended each way; `running`: left out.
   */
  readonly runs: {
    readonly analysed: number;
    readonly ended: { readonly completed: number; readonly failed: number; readonly interrupted: number; readonly crashed: number };
    readonly running: number;
    readonly from: string | null;
    readonly to: string | null;
  };
  /** The v2 metrics system's three questions: which model, which temperature, how many retries (when they vary). */
  readonly comparisons: readonly Comparison[];
  readonly influence: InfluenceReport;
  readonly costEfficiency: CostEfficiencyReport;
  readonly trends: TrendReport;
  readonly best: BestConfigurationReport;
  readonly settings: { readonly level: 0.95; readonly resamples: number; readonly seed: number };
}

export function analysisReport(allRuns: readonly AnalysisRun[], options: BootstrapOptions & { lastN?: number } = {}): AnalysisReport {
  assertAnalysisOptions('analysisReport', options, ['lastN']);
  const bootstrap = { resamples: options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES, seed: options.seed ?? DEFAULT_BOOTSTRAP_SEED };
  const runs = analysedRuns(allRuns);
  const { varying } = configKeysOf(runs);
  const shortcuts = ['llm.model', 'llm.temperature', 'maxRetries'].filter((key, i) => i === 0 || varying.includes(key));
  const ordered = runs.map((r) => r.startedAt).sort();
  return {
    runs: {
      analysed: runs.length,
      ended: {
        completed: runs.filter((r) => r.status === 'completed').length,
        failed: runs.filter((r) => r.status === 'failed').length,
        interrupted: runs.filter((r) => r.status === 'interrupted').length,
        crashed: runs.filter((r) => r.status === 'crashed').length,
      },
      running: allRuns.length - runs.length,
      from: ordered[0] ?? null,
      to: ordered.at(-1) ?? null,
    },
    comparisons: shortcuts.map((key) => compareConfigurations(runs, { by: [key], ...bootstrap })),
    influence: parameterInfluence(runs, bootstrap),
    costEfficiency: costEfficiency(runs, bootstrap),
    trends: performanceTrends(runs, { ...bootstrap, lastN: options.lastN }),
    best: bestConfiguration(runs, bootstrap),
    settings: { level: 0.95, ...bootstrap },
  };
}
