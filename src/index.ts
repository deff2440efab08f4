/**
 * `runledger`: what a supervisor needs to record runs, and no more, so that importing it stays
 * fast (README "Start-up"): the collectors, the journal and its checks, prices, code metrics
 * from git, the events' vocabulary and the errors. The rest are subpaths: `runledger/replay` (derived files, cleanup),
 * `runledger/analysis` (comparisons and reports), `runledger/serve` (the HTTP API) and
 * `runledger/ship` (shipping to NATS JetStream, central replay).
 */
import { replayLiveUpdate } from '../replay/live-update.js';
import { setDefaultDerivedFilesUpdater } from './collector/live-derived-files.js';

export * from './collector/index.js';
export * from './errors.js';
export * from './journal/index.js';
export * from './audit/index.js';
export * from './prices/index.js';
export * from '../events/index.js';
export * from './git/index.js';
export { runledgerVersion } from './version.js';

// Live updates run replay, whose modules load on the first update, not with this entry.
setDefaultDerivedFilesUpdater(replayLiveUpdate);
