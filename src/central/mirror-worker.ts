import { parentPort, workerData } from 'node:worker_threads';
import type { CentralState } from './central-state.js';
import { sharedLockView } from './lock-flag.js';
import { unpackChunk, type MirrorPacket } from './mirror-packet.js';
import { stageChunk } from './mirror-stage.js';
import { durableStep } from './mirror-step.js';
import { MirrorFiles } from './mirror-writer.js';

/** The mirror's verifying and writing, on a thread of its own while the main thread receives (mirror-sink.ts). */
export interface MirrorWorkerData {
  readonly logsDir: string;
  readonly state: CentralState;
  readonly lockPath: string;
  readonly lockFlag: SharedArrayBuffer;
}

export type MirrorWorkerRequest =
  | { readonly kind: 'stage'; readonly packet: MirrorPacket }
  | { readonly kind: 'step'; readonly streamSeq: number }
  | { readonly kind: 'finish' };

/** One reply per `step` and `finish`, in order; none for `stage` (its failure is the next reply). */
export type MirrorWorkerReply =
  | { readonly kind: 'stepped' }
  | { readonly kind: 'finished'; readonly state: CentralState }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string; readonly code?: string };

const { logsDir, state, lockPath, lockFlag } = workerData as MirrorWorkerData;
const lock = sharedLockView(lockFlag, lockPath);
const files = new MirrorFiles(logsDir);
let failure: Error | null = null;
// Strictly in order: a chunk that arrives during a step's fdatasync belongs to the next step.
let queue: Promise<void> = Promise.resolve();

parentPort!.on('message', (request: MirrorWorkerRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: MirrorWorkerRequest): Promise<void> {
  if (failure === null) {
    try {
      if (request.kind === 'stage') stageChunk(files, state, unpackChunk(request.packet));
      else if (request.kind === 'step') await durableStep(logsDir, files, state, request.streamSeq, lock);
    } catch (error) {
      failure = error as Error;
      files.abandon();
    }
  }
  if (request.kind === 'stage') return;
  if (failure !== null) {
    const { name, message, code } = failure as Error & { code?: string };
    reply({ kind: 'failed', name, message, code });
  } else {
    reply(request.kind === 'step' ? { kind: 'stepped' } : { kind: 'finished', state });
  }
}

function reply(message: MirrorWorkerReply): void {
  parentPort!.postMessage(message);
}
