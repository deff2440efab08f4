import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DerivedFilesLockError } from '../src/errors.js';
import type { LiveThreadReply, LiveThreadRequest, LiveUpdateAnswer, LiveUpdateRequest } from './live-messages.js';

const WORKER = new URL('./live-worker.js', import.meta.url);

/**
 * The process's one live-update thread (live-worker.ts), started on the first update. It keeps the
 * process alive only while an update is asked and not answered: a supervisor whose run has ended is
 * not held up by an idle thread. A thread that fails or exits fails the updates it had and is
 * replaced at the next one (the derived files lag behind meanwhile, as after any failed update).
 */
let thread: { readonly worker: Worker; readonly waiting: Map<number, Waiting> } | null = null;
let nextId = 1;

interface Waiting {
  readonly resolve: (answer: LiveUpdateAnswer) => void;
  readonly reject: (error: Error) => void;
}

/** The update, made on the live-update thread; null when there is no compiled thread next to this module (TypeScript sources, as the tests run). */
export async function updateOnLiveThread(logsDir: string, request?: LiveUpdateRequest): Promise<LiveUpdateAnswer | null> {
  if (thread === null) {
    if (!fs.existsSync(fileURLToPath(WORKER))) return null;
    // libuv's thread pool is made by the thread that first uses it, and its threads inherit that
    // thread's priority: it is made here, at the process's, before the low-priority thread exists.
    await fs.promises.access(logsDir).catch(() => undefined);
    thread ??= startThread();
  }
  const { worker, waiting } = thread;
  const id = nextId++;
  const answer = new Promise<LiveUpdateAnswer>((resolve, reject) => waiting.set(id, { resolve, reject }));
  worker.ref();
  worker.postMessage({ id, logsDir, ...(request === undefined ? {} : { request }) } satisfies LiveThreadRequest);
  return answer;
}

function startThread(): NonNullable<typeof thread> {
  const worker = new Worker(WORKER);
  const started = { worker, waiting: new Map<number, Waiting>() };
  const stop = (error: Error): void => {
    if (thread === started) thread = null;
    for (const w of started.waiting.values()) w.reject(error);
    started.waiting.clear();
  };
  worker.on('message', (reply: LiveThreadReply) => {
    const waiting = started.waiting.get(reply.id);
    if (!waiting) return;
    started.waiting.delete(reply.id);
    if (started.waiting.size === 0) worker.unref();
    if ('answer' in reply) waiting.resolve(reply.answer);
    else waiting.reject(failureOf(reply.failed));
  });
  worker.on('error', (error) => stop(new Error(`runledger's live-update thread failed: ${error.message}`)));
  worker.on('exit', (code) => stop(new Error(`runledger's live-update thread exited (code ${code})`)));
  worker.unref();
  return started;
}

/** A failure on the thread, thrown here: a lost lock as the typed error, anything else with its name, message and code. */
function failureOf(failed: Extract<LiveThreadReply, { failed: unknown }>['failed']): Error {
  if (failed.name === DerivedFilesLockError.name) return new DerivedFilesLockError(failed.message);
  const error = new Error(failed.message) as Error & { code?: string };
  error.name = failed.name;
  if (failed.code !== undefined) error.code = failed.code;
  return error;
}
