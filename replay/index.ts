export { replay, type ReplayOptions, type ReplayReport, type RunReplayReport } from './replay.js';
export { replayPaths, type ReplayPaths } from './replay-paths.js';
export { encodeState, decodeState } from './state-codec.js';
export { loadAnalysisRuns } from './load-analysis-runs.js';
export { repriceAnalysisRuns, PRICES_AS, type PricesAs } from './reprice.js';
export { loadRunReadModels } from './read-models.js';
export { writeRepricedCosts, type RepricedCostsOptions, type RepricedCostsReport } from './repriced-costs.js';
export { tablesStaleSinceIn } from './tables-stale.js';
