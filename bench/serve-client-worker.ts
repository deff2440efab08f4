import { parentPort } from 'node:worker_threads';
import type { ClientAnswer, ClientLeg } from './serve-client-thread.js';
import { runHttpClients } from './serve-clients.js';

/** The HTTP clients of the serve figure, on their own thread (as supervisors are other processes): one leg per message. */
parentPort!.on('message', (leg: ClientLeg) => {
  runHttpClients(leg.url, leg.runId, leg.clients, leg.legMs, leg.mode).then(
    (timed) => parentPort!.postMessage(timed satisfies ClientAnswer),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies ClientAnswer),
  );
});
