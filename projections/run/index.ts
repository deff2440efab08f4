export { initialRunSummary, evolveRunSummary, type RunSummaryState } from './run-summary.js';
