export * from './stats/index.js';
export {
  compareConfigurations,
  compareLlmModels,
  compareTemperatures,
  compareMaxRetries,
  groupRuns,
  analysedRuns,
  RANK_METRICS,
  type Comparison,
  type CompareOptions,
  type ConfigGroup,
  type RankMetric,
  type VersusBaseline,
} from './compare.js';
export {
  groupStats,
  costPerSuccessfulIssue,
  MIN_ISSUES,
  MIN_RUNS,
  MIN_BOOTSTRAP_RUNS,
  type GroupStats,
  type RunIntervalMethod,
} from './group-stats.js';
export { versusBaseline, PLANNING_DIFFERENCE, type DifferenceTest } from './versus-baseline.js';
export { pairIssues, type IssuePairing, type PairedTable } from './paired-issues.js';
export { parameterInfluence, PARTIAL_CONFOUNDING_V, type InfluenceReport, type KeyInfluence } from './influence.js';
export { jointModel, type KeyEffects, type KeyTest, type LevelEffect } from './joint-model.js';
export { probabilityBest } from './probability-best.js';
export { costEfficiency, type CostEfficiencyReport, type CostEfficiencyGroup } from './cost-efficiency.js';
export { performanceTrends, TREND_ALPHA, type TrendReport, type TrendLine, type TrendVerdict } from './trends.js';
export { bestConfiguration, SCORE_WEIGHTS, type BestConfigurationReport, type BestVerdict, type ScoredGroup } from './best.js';
export { analysisReport, type AnalysisReport } from './report.js';
export {
  renderReportText,
  renderReportMarkdown,
  comparisonSection,
  renderSectionsText,
  analysedRunsPhrase,
} from './render/render-report.js';
export { configValue, configKeysOf } from './config-keys.js';
export * from './suggest/index.js';
