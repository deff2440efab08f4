import http from 'node:http';
import { elapsedMs } from './stats.js';

/**
 * HTTP supervisors for the serve figure: `clients` loops, each awaiting every call before the next,
 * over keep-alive connections (one per loop). Each loop runs the bench's event mix (event-mix.ts)
 * as four requests: token usage, a tool call's start and end (with the call id the server
 * returned), a recoverable error. Every 200 is one journal line fdatasync'd by the server.
 */
const TOKENS = { model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1500, outputTokens: 800 };
const TOOL = 'run_tests';
const ERROR = { kind: 'tool', message: 'run_tests exited with code 1: 2 failing tests in payment.spec.ts', recoverable: true, tool: TOOL };
export const CALLS_PER_CYCLE = 4;

function postJson(agent: http.Agent, url: URL, path: string, body: unknown): Promise<{ status: number; body: { result?: unknown } }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { result?: unknown } }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Runs the loops for `legMs` and returns how many lines the server acknowledged, and in how long. */
export async function runHttpClients(baseUrl: string, runId: string, clients: number, legMs: number): Promise<{ lines: number; ms: number }> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const path = `/runs/${runId}/calls`;
  const call = async (name: string, args: unknown): Promise<unknown> => {
    const answer = await postJson(agent, url, path, { call: name, args });
    if (answer.status !== 200) throw new Error(`${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.result;
  };
  let cycles = 0;
  const start = performance.now();
  const loop = async (): Promise<void> => {
    while (elapsedMs(start) < legMs) {
      await call('recordTokenUsage', TOKENS);
      const callId = await call('startToolCall', { tool: TOOL });
      await call('endToolCall', { callId, success: false, error: 'exit code 1' });
      await call('recordError', ERROR);
      cycles += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, loop));
    return { lines: cycles * CALLS_PER_CYCLE, ms: elapsedMs(start) };
  } finally {
    agent.destroy();
  }
}
