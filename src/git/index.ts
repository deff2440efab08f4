export { codeMetricsFromGit, gitDiffStats, type GitMetricsOptions, type GitDiffStats } from './code-metrics-from-git.js';
export type { GitCodeMetrics } from './code-metrics.js';
export type { GitFileChange, GitFileStatus } from './diff-output.js';
