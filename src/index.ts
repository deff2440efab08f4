export * from './collector/index.js';
export * from './errors.js';
export * from './journal/index.js';
export * from './audit/index.js';
export * from './prices/index.js';
export * from '../events/index.js';
export { runledgerVersion } from './version.js';
export * from './analysis/index.js';
