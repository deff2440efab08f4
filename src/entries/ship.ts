/** `runledger/ship`: shipping journals to NATS JetStream, and central replay from the stream. */
export * from '../ship/index.js';
export * from '../central/index.js';
