import { parentPort, workerData } from 'node:worker_threads';
import { runHttpClients, type ClientMode } from './serve-clients.js';

/** The HTTP clients of the serve figure, on their own thread (as supervisors are other processes). */
const { url, runId, clients, legMs, mode } = workerData as { url: string; runId: string; clients: number; legMs: number; mode: ClientMode };
parentPort!.postMessage(await runHttpClients(url, runId, clients, legMs, mode));
