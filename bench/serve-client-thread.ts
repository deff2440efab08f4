import { Worker } from 'node:worker_threads';
import type { ClientMode } from './serve-clients.js';

export interface ClientLeg {
  readonly url: string;
  readonly runId: string;
  readonly clients: number;
  readonly legMs: number;
  readonly mode: ClientMode;
}

export type ClientAnswer = { readonly lines: number; readonly ms: number } | { readonly error: string };

/**
 * The serve figure's HTTP clients run on one worker thread that lives across legs, as a supervisor
 * is a long-lived process: a new thread per leg would run each short leg's client mostly in
 * V8's interpreter, before its code is optimised, while the server and the baseline are warm.
 */
let thread: Worker | null = null;

export function runClientsOnThread(leg: ClientLeg): Promise<{ lines: number; ms: number }> {
  const worker = (thread ??= new Worker(new URL('./serve-client-worker.js', import.meta.url)));
  // Should stopClientThread be forgotten, the thread still lets the process end.
  worker.unref();
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (answer: ClientAnswer): void => {
      settle();
      if ('error' in answer) reject(new Error(`HTTP clients: ${answer.error}`));
      else resolve(answer);
    };
    const onError = (error: Error): void => {
      settle();
      if (thread === worker) thread = null;
      reject(error);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(leg);
  });
}

export async function stopClientThread(): Promise<void> {
  const worker = thread;
  thread = null;
  if (worker) await worker.terminate();
}
