export { MetricsCollector } from './metrics-collector.js';
export { AsyncMetricsCollector } from './async-metrics-collector.js';
export { configFromEnv, parseConfig, CONFIG_ENV } from './config.js';
export { generateRunId, type CollectorOptions, type StartOptions, type ResumeOptions, type ResumeSummary } from './run-session.js';
export { redactConfigCredentials, redactSecrets } from './sanitize.js';
export type { DerivedFilesUpdater } from './live-derived-files.js';
export type * from './planner.js';
export type { TrackIssueOptions, TrackAgentOptions, TrackToolCallOptions } from './tracking.js';
