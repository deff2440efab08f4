import { parentPort } from 'node:worker_threads';
import type { CentralState } from './central-state.js';
import { sharedLockView, type HeldLock } from './lock-flag.js';
import { unpackChunk, type MirrorPacket } from './chunk-transfer.js';
import { stageChunk } from './verify-and-write.js';
import { durableStep } from './durable-step.js';
import { MirrorFiles } from './mirrored-journals.js';

/**
 * The mirror's verifying and writing, on a thread of its own while the main thread receives
 * (chunk-sink.ts). One mirror at a time: `begin` starts one, `finish` ends it, and the thread
 * may then be given the next (a process that mirrors again reuses a thread whose code is warm).
 */
export interface MirrorJob {
  readonly logsDir: string;
  readonly state: CentralState;
  readonly lockPath: string;
  readonly lockFlag: SharedArrayBuffer;
}

export type MirrorWorkerRequest =
  | { readonly kind: 'begin'; readonly job: MirrorJob }
  | { readonly kind: 'stage'; readonly packet: MirrorPacket }
  | { readonly kind: 'step'; readonly streamSeq: number }
  | { readonly kind: 'finish' };

/** One reply per `step` and `finish`, in order; none for `begin` and `stage` (their failure is the next reply). */
export type MirrorWorkerReply =
  | { readonly kind: 'stepped' }
  | { readonly kind: 'finished'; readonly state: CentralState }
  | { readonly kind: 'failed'; readonly name: string; readonly message: string; readonly code?: string };

interface Mirror {
  readonly job: MirrorJob;
  readonly lock: HeldLock;
  readonly files: MirrorFiles;
  failure: Error | null;
}

let mirror: Mirror | null = null;
// Strictly in order: a chunk that arrives during a step's fdatasync belongs to the next step.
let queue: Promise<void> = Promise.resolve();

parentPort!.on('message', (request: MirrorWorkerRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: MirrorWorkerRequest): Promise<void> {
  if (request.kind === 'begin') {
    const { job } = request;
    mirror = { job, lock: sharedLockView(job.lockFlag, job.lockPath), files: new MirrorFiles(job.logsDir), failure: null };
    return;
  }
  const m = mirror!;
  if (m.failure === null) {
    try {
      if (request.kind === 'stage') stageChunk(m.files, m.job.state, unpackChunk(request.packet));
      else if (request.kind === 'step') await durableStep(m.job.logsDir, m.files, m.job.state, request.streamSeq, m.lock);
    } catch (error) {
      m.failure = error as Error;
      m.files.abandon();
    }
  }
  if (request.kind === 'stage') return;
  if (m.failure !== null) {
    const { name, message, code } = m.failure as Error & { code?: string };
    reply({ kind: 'failed', name, message, code });
  } else if (request.kind === 'step') {
    reply({ kind: 'stepped' });
  } else {
    mirror = null;
    reply({ kind: 'finished', state: m.job.state });
  }
}

function reply(message: MirrorWorkerReply): void {
  parentPort!.postMessage(message);
}
