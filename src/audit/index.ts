export { verifyRun, listRunIds, toVerification, type RunVerification, type RunVerdict } from './verify-runs.js';
