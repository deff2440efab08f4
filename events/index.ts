export * from './fields.js';
export * from './config.js';
export * from './run.js';
export * from './work.js';
export * from './tokens.js';
export * from './registry.js';
