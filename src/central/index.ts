export { replayFromStream, type CentralReplayOptions, type CentralReplayReport } from './central-replay.js';
export type { RefusedSubject } from './central-state.js';
