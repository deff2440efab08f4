export { addTokens, emptyTokenTotals, type TokenTotals } from './token-totals.js';
export { nearestRankPercentile } from './percentile.js';
export { msBetween } from './durations.js';
