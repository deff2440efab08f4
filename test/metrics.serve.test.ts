import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/entries/serve.js';
import { InvalidOptionError } from '../src/errors.js';
import { clientOf, testServer } from './helpers/serve.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * GET /metrics on `runledger serve`: behind the same token as every route, and counted from the
 * journals, so a restart shows the folder's totals again and no counter goes backwards.
 */

const TOKEN = 'metrics-serve-token-0123456789ab';

/** The exposition's samples by series (name and labels as written). */
async function scrape(url: string, token?: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Counters and histogram parts: what must never go backwards. */
const isCumulative = (series: string): boolean => /_total\{|_bucket\{|_count(\{|$)|_sum(\{|$)/.test(series);

async function recordRuns(url: string, prefix: string, token: string): Promise<void> {
  const api = clientOf(url, token);
  for (const runId of [`${prefix}-done`, `${prefix}-open`]) {
    expect((await api.start(runId)).status).toBe(201);
    expect((await api.call(runId, 'startIssue', { issueId: 1 })).status).toBe(200);
    expect((await api.call(runId, 'startToolCall', { tool: 'run_tests' })).status).toBe(200);
    expect((await api.call(runId, 'recordTokenUsage', { model: 'gpt-4o', inputTokens: 1000, outputTokens: 100 })).status).toBe(200);
    expect((await api.call(runId, 'finalizeIssue', { issueId: 1, status: 'completed' })).status).toBe(200);
  }
  expect((await api.finalize(`${prefix}-done`, { status: 'completed' })).status).toBe(200);
}

describe('GET /metrics on runledger serve', () => {
  it('asks for the bearer token as every route does, and answers before any run made the folder', async () => {
    const server = await testServer({ dir: path.join(tempDir(), 'no-run-yet'), token: TOKEN });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const samples = await scrape(server.url, TOKEN);
    expect(samples.get('runledger_pipelines_total{status="success"}')).toBe(0);
  });

  it("starts from the folder's totals after a restart: no counter goes backwards", async () => {
    const dir = tempDir();
    const first = await testServer({ dir, token: TOKEN, metrics: { refreshIntervalMs: 20 } });
    await recordRuns(first.url, 'a', TOKEN);
    // The first scrape starts the refresher and waits for its first refresh, which reads every event recorded above.
    const before = await scrape(first.url, TOKEN);
    expect(before.get('runledger_runs_running{model="gpt-4o"}')).toBe(1);
    expect(before.get('runledger_runs_total{status="completed",model="gpt-4o"}')).toBe(1);
    expect(before.get('runledger_tokens_total{type="input",model="gpt-4o"}')).toBe(2000);
    expect(await first.close('restart')).toEqual(['a-open']);

    const second = await testServer({ dir, token: TOKEN, metrics: { refreshIntervalMs: 20 } });
    const after = await scrape(second.url, TOKEN);
    for (const [series, value] of before) if (isCumulative(series)) expect(after.get(series), series).toBeGreaterThanOrEqual(value);
    // The run the first server left open was recorded as interrupted when it stopped.
    expect(after.get('runledger_runs_total{status="interrupted",model="gpt-4o"}')).toBe(1);
    expect(after.get('runledger_runs_running{model="gpt-4o"}')).toBe(0);
    expect(after.get('runledger_tool_calls_total{tool="run_tests",outcome="abandoned"}')).toBe(2);
  });

  it('is absent with metrics: false, and refuses an unknown metrics option', async () => {
    const server = await testServer({ dir: tempDir(), metrics: false });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    await expect(startServer({ dir: tempDir(), port: 0, metrics: { refreshMs: 5 } as never })).rejects.toThrow(InvalidOptionError);
  });
});
