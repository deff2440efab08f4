import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DerivedFilesLockError } from '../errors.js';
import type { CentralState } from './central-state.js';
import { shareLock, type HeldLock } from './lock-flag.js';
import { packChunk, packetTransfers } from './chunk-transfer.js';
import { stageChunk, type MirrorMessage } from './verify-and-write.js';
import { durableStep } from './durable-step.js';
import type { MirrorJob, MirrorWorkerReply, MirrorWorkerRequest } from './sink-worker.js';
import { MirrorFiles } from './mirrored-journals.js';

/**
 * Where the received messages go to be verified against their runs' chains and written, in
 * durable steps. On a worker thread (the main thread keeps receiving meanwhile, which is the
 * other half of the mirror's time), or on this thread when there is no compiled worker next to
 * this module (run from TypeScript sources, as the tests do): the same functions either way.
 */
export interface MirrorSink {
  /** Verifies a chunk and writes what verifies (not yet durable). */
  stage(chunk: readonly MirrorMessage[]): void;
  /**
   * Ends a durable step at this stream sequence: what was written is fdatasync'd, then the state
   * saved. Resolves once the step before it is durable: at most one step is in flight.
   */
  step(streamSeq: number): Promise<void>;
  /** After the last step: the state as saved. */
  finish(): Promise<CentralState>;
  /** Releases files and thread, after success or failure. */
  close(): Promise<void>;
}

const WORKER = new URL('./sink-worker.js', import.meta.url);

/**
 * Mirror threads between two mirrors of this process, unref'd (they keep no process alive): the
 * next mirror takes one whose code is already compiled instead of starting a thread and loading
 * and warming up the verifying code again.
 */
const idleThreads: Worker[] = [];

function takeThread(): Worker {
  const idle = idleThreads.pop();
  if (idle) {
    idle.ref();
    return idle;
  }
  const thread = new Worker(WORKER);
  // While idle, nobody else listens: a thread that fails or exits then is dropped, not thrown.
  const drop = (): void => {
    const at = idleThreads.indexOf(thread);
    if (at !== -1) idleThreads.splice(at, 1);
  };
  thread.on('error', drop);
  thread.on('exit', drop);
  return thread;
}

export function startMirrorSink(logsDir: string, state: CentralState, lock: HeldLock, lockPath: string): MirrorSink {
  return fs.existsSync(fileURLToPath(WORKER)) ? new WorkerMirror(logsDir, state, lock, lockPath) : new InThreadMirror(logsDir, state, lock);
}

class InThreadMirror implements MirrorSink {
  private readonly files: MirrorFiles;

  constructor(
    private readonly logsDir: string,
    private readonly state: CentralState,
    private readonly lock: HeldLock,
  ) {
    this.files = new MirrorFiles(logsDir);
  }

  stage(chunk: readonly MirrorMessage[]): void {
    stageChunk(this.files, this.state, chunk);
  }

  step(streamSeq: number): Promise<void> {
    return durableStep(this.logsDir, this.files, this.state, streamSeq, this.lock);
  }

  async finish(): Promise<CentralState> {
    return this.state;
  }

  async close(): Promise<void> {
    this.files.abandon();
  }
}

class WorkerMirror implements MirrorSink {
  private readonly worker: Worker;
  private readonly sharedLock: { stop(): void };
  /** Resolvers of the replies still to come, in order. */
  private readonly waiting: Array<{ resolve: (reply: MirrorWorkerReply) => void; reject: (error: Error) => void }> = [];
  private dead: Error | null = null;
  private finished = false;
  private inFlight: Promise<unknown> = Promise.resolve();
  private readonly onMessage = (reply: MirrorWorkerReply): void => this.waiting.shift()?.resolve(reply);
  private readonly onError = (error: Error): void => this.die(error);
  private readonly onExit = (code: number): void => this.die(new Error(`the central replay's mirror worker exited (code ${code})`));

  constructor(logsDir: string, state: CentralState, lock: HeldLock, lockPath: string) {
    const shared = shareLock(lock);
    this.sharedLock = shared;
    this.worker = takeThread();
    this.worker.on('message', this.onMessage);
    this.worker.on('error', this.onError);
    this.worker.on('exit', this.onExit);
    this.post({ kind: 'begin', job: { logsDir, state, lockPath, lockFlag: shared.flag } satisfies MirrorJob });
  }

  stage(chunk: readonly MirrorMessage[]): void {
    if (this.dead) throw this.dead;
    const packet = packChunk(chunk);
    this.post({ kind: 'stage', packet }, packetTransfers(packet));
  }

  async step(streamSeq: number): Promise<void> {
    const previous = this.inFlight;
    const step = this.ask({ kind: 'step', streamSeq });
    step.catch(() => undefined); // seen by the next step or by finish
    this.inFlight = step;
    await previous;
  }

  async finish(): Promise<CentralState> {
    await this.inFlight;
    const reply = await this.ask({ kind: 'finish' });
    if (reply.kind !== 'finished') throw new Error(`the mirror worker answered ${reply.kind} to finish`);
    this.finished = true;
    return reply.state;
  }

  /** A thread that finished its mirror waits for the next one; any other is stopped. */
  async close(): Promise<void> {
    this.sharedLock.stop();
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    if (this.finished && this.dead === null) {
      this.worker.unref();
      idleThreads.push(this.worker);
    } else {
      await this.worker.terminate();
    }
    this.dead ??= new Error('the mirror worker is closed');
  }

  private ask(request: MirrorWorkerRequest): Promise<MirrorWorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    const reply = new Promise<MirrorWorkerReply>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.post(request);
    return reply.then(failedAsError);
  }

  private post(request: MirrorWorkerRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(request, transfer);
  }

  private die(error: Error): void {
    this.dead ??= error;
    for (const w of this.waiting.splice(0)) w.reject(this.dead);
  }
}

/** A failure in the worker, thrown here: a lost lock as the typed error the CLI reports, anything else with its name, message and code. */
function failedAsError(reply: MirrorWorkerReply): MirrorWorkerReply {
  if (reply.kind !== 'failed') return reply;
  if (reply.name === DerivedFilesLockError.name) throw new DerivedFilesLockError(reply.message);
  const error = new Error(reply.message) as Error & { code?: string };
  error.name = reply.name;
  if (reply.code !== undefined) error.code = reply.code;
  throw error;
}
