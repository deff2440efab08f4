export { shipJournals, checkShipOptions, type ShipOptions, type ShipReport, type RunShipReport } from './shipper.js';
export type { RunProblem } from './run-shipper.js';
export { parseNatsServers } from './nats-connection.js';
export { encodeSubjectToken, decodeSubjectToken, runSubject, streamSubjects, DEFAULT_STREAM } from './subject.js';
export { readShipTarget, readRunProgress, type ShipTarget, type RunShipProgress } from './ship-progress.js';
