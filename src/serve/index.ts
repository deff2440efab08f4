export { startServer, DEFAULT_HOST, DEFAULT_PORT, type ServeOptions, type RunledgerServer } from './server.js';
export { stopOnSignals } from './signals.js';
export { CALL_NAMES } from './calls.js';
export { TOKEN_ENV, isLoopbackHost } from './auth.js';
