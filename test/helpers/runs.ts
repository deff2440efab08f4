import fs from 'node:fs';
import { MetricsCollector, type StartOptions } from '../../src/index.js';

export const CONFIG = { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3 };

/**
 * Starts a run in `dir` with test-friendly defaults: no signal handlers in the test worker, no
 * price override file, and no background update of derived files (tests of that turn it on).
 */
export function startRun(dir: string, overrides: Partial<StartOptions> = {}): Promise<MetricsCollector> {
  return MetricsCollector.start({
    dir,
    projectId: 'test-project',
    config: CONFIG,
    handleSignals: false,
    prices: null,
    liveUpdates: false,
    ...overrides,
  });
}

/** Records a small but complete run and returns its journal's path. */
export async function recordSampleRun(dir: string, runId = 'sample-run'): Promise<string> {
  const c = await startRun(dir, { runId });
  c.startIssue(1, { title: 'first' });
  const agent = c.startAgent('coding');
  const call = c.startToolCall('create_branch');
  c.endToolCall(call, { success: true });
  c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 1000, outputTokens: 200 });
  c.finalizeAgent({ agentId: agent, success: true });
  c.recordPipeline({ pipelineId: 'p1', commitSha: 'abc', status: 'success', triggeredBy: 'testing' });
  c.finalizeIssue(1, 'completed', { linesAdded: 10 });
  c.finalizeRun('completed');
  return c.journalPath;
}

export function readLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}
