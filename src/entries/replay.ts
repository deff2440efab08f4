/** `runledger/replay`: read models, JSON reports and CSV tables rebuilt from the journals, the analyzer's inputs, and retention. */
export * from '../../replay/index.js';
export { cleanupRuns, parseDuration, type CleanupOptions, type CleanupReport } from '../cleanup/cleanup.js';
