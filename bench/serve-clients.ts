import { Pool } from 'undici';
import { elapsedMs } from './stats.js';

/**
 * HTTP supervisors for the serve figure: `clients` loops, each awaiting every call before the next,
 * over keep-alive connections (one per loop). Each loop runs the bench's event mix (event-mix.ts)
 * as four requests: token usage, a tool call's start and end (with the call id the server
 * returned), a recoverable error; or as NDJSON batches of one agent step each. Every call
 * acknowledged is one journal line fdatasync'd by the server.
 *
 * The loops share one thread, so the client's cost per request bounds what is measured. undici
 * (the HTTP/1.1 client under Node's fetch) is used rather than node:http, whose ClientRequest and
 * Agent cost about twice as much CPU per request: with node:http the client thread was saturated
 * at fewer GET /health per second than the server could answer. Each answer is still read whole,
 * parsed as JSON and checked, as a supervisor would.
 */
const TOKENS = { model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1500, outputTokens: 800 };
const TOOL = 'run_tests';
const ERROR = { kind: 'tool', message: 'run_tests exited with code 1: 2 failing tests in payment.spec.ts', recoverable: true, tool: TOOL };
const CALLS_PER_CYCLE = 4;

/**
 * How the clients send the mix: one call per request; one NDJSON batch per agent step; or only
 * GET /health (no append: the HTTP ceiling).
 *
 * An agent step is what a supervisor learns between two tool calls: the previous tool call's end
 * and its error, the next LLM reply's token usage, and the tool call that reply starts. Nothing in
 * it waits for the server except the next endToolCall, which needs the call id the step's
 * startToolCall returns; so a step is one request of four lines (the first step of a loop has no
 * previous tool call: two lines).
 */
export type ClientMode = 'calls' | 'steps' | 'health';

interface Answer {
  readonly status: number;
  readonly body: { result?: unknown; results?: unknown[] };
}

async function send(pool: Pool, method: 'GET' | 'POST', path: string, contentType: string, payload: string): Promise<Answer> {
  const response = await pool.request(
    method === 'POST' ? { method, path, headers: { 'content-type': contentType }, body: payload } : { method, path },
  );
  return { status: response.statusCode, body: (await response.body.json()) as Answer['body'] };
}

/** Runs the loops for `legMs` and returns how many lines the server acknowledged (requests, for 'health'), and in how long. */
export async function runHttpClients(
  baseUrl: string,
  runId: string,
  clients: number,
  legMs: number,
  mode: ClientMode = 'calls',
): Promise<{ lines: number; ms: number }> {
  // One connection per loop, one request at a time on each (no pipelining): as 64 supervisors would.
  const pool = new Pool(baseUrl, { connections: clients, pipelining: 1 });
  const path = `/runs/${runId}/calls`;
  const checked = (answer: Answer, what: string): Answer => {
    if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const call = async (name: string, args: unknown): Promise<unknown> =>
    checked(await send(pool, 'POST', path, 'application/json', JSON.stringify({ call: name, args })), name).body.result;
  const batch = async (items: Array<[string, unknown]>): Promise<unknown[]> => {
    const payload = items.map(([name, args]) => `${JSON.stringify({ call: name, args })}\n`).join('');
    return checked(await send(pool, 'POST', path, 'application/x-ndjson', payload), 'batch').body.results!;
  };
  /** One loop's unit of work; returns the lines it got acknowledged. Each loop makes its own (a step remembers its loop's open tool call). */
  const newCycle = (): (() => Promise<number>) => {
    switch (mode) {
      case 'calls':
        return async () => {
          await call('recordTokenUsage', TOKENS);
          const callId = await call('startToolCall', { tool: TOOL });
          await call('endToolCall', { callId, success: false, error: 'exit code 1' });
          await call('recordError', ERROR);
          return CALLS_PER_CYCLE;
        };
      case 'steps': {
        let openCallId: unknown = null;
        return async () => {
          const step: Array<[string, unknown]> =
            openCallId === null
              ? []
              : [
                  ['endToolCall', { callId: openCallId, success: false, error: 'exit code 1' }],
                  ['recordError', ERROR],
                ];
          step.push(['recordTokenUsage', TOKENS], ['startToolCall', { tool: TOOL }]);
          openCallId = (await batch(step)).at(-1);
          return step.length;
        };
      }
      case 'health':
        return async () => {
          checked(await send(pool, 'GET', '/health', '', ''), 'GET /health');
          return 1;
        };
    }
  };
  let lines = 0;
  const start = performance.now();
  const loop = async (): Promise<void> => {
    const cycle = newCycle();
    while (elapsedMs(start) < legMs) {
      // Not `lines += await ...`: that reads `lines` before the await and loses the other loops' counts.
      const done = await cycle();
      lines += done;
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, loop));
    return { lines, ms: elapsedMs(start) };
  } finally {
    await pool.destroy();
  }
}
