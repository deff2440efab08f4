/** `runledger/serve`: the HTTP API that records events from any language (`runledger serve`). */
export * from '../serve/index.js';
