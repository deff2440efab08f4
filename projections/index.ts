export * from './run/index.js';
export * from './issues/index.js';
export * from './agents/index.js';
export * from './tool-usage/index.js';
export * from './event-logs/index.js';
export * from './shared/index.js';
export * from './tables/index.js';
export * from './run-projection.js';
