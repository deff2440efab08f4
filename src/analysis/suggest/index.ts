export { suggestRuns, type SuggestReport, type SuggestedRuns } from './suggest.js';
export { type SuggestOptions, DEFAULT_DRAWS, DEFAULT_FUTURES } from './options.js';
export { OBJECTIVES, type Objective } from './objective.js';
export { ratePosterior, PRIOR, type RatePosterior } from './posterior.js';
export { pooledOverdispersion, type Overdispersion, type RunCounts as SuggestRunCounts } from './overdispersion.js';
export { topTwoShares, TOP_TWO_BETA } from './allocation.js';
export { ANSWERED_PROBABILITY } from './after.js';
