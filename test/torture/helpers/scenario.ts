import fs from 'node:fs';
import { AsyncMetricsCollector, MetricsCollector, runPaths, type StartOptions } from '../../../src/index.js';

export const CONFIG = { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3 };

/** Options for collectors opened in the test process: no signal handlers, no price file, no live derived files. */
export function quiet(dir: string, runId: string): { dir: string; runId: string; handleSignals: false; prices: null; liveUpdates: false } {
  return { dir, runId, handleSignals: false, prices: null, liveUpdates: false };
}

export function startOptions(dir: string, runId: string, extra: Partial<StartOptions> = {}): StartOptions {
  return { ...quiet(dir, runId), projectId: 'torture', config: CONFIG, ...extra };
}

export type TemplateKind = 'sync' | 'async' | 'resumed' | 'long-lines';

/**
 * Records a real run (sync or async collector, real fsyncs) that ends without RunFinished, as a
 * crashed supervisor leaves it, and returns its journal's bytes. About 40 lines of every kind of
 * event; 'resumed' has been through a resume that quarantined a torn tail; 'long-lines' carries
 * titles and messages at the 16,384-character limit, so that its lines are ~16 KB long.
 */
export async function recordCrashedRun(dir: string, runId: string, kind: TemplateKind, issues = 4): Promise<Buffer> {
  const text = (i: number, what: string): string =>
    kind === 'long-lines' ? `${what} ${i} ${'ü'.repeat(16_000)}` : `${what} ${i}: "quoted", comma, «ünïcödé» ✓`;
  if (kind === 'async') {
    const c = await AsyncMetricsCollector.start(startOptions(dir, runId));
    for (let i = 1; i <= issues; i++) {
      const [, agentId, callId] = await Promise.all([
        c.startIssue(i, { title: text(i, 'title') }),
        c.startAgent('coding'),
        c.startToolCall('create_branch'),
      ]);
      await Promise.all([
        c.endToolCall(callId, { success: i % 2 === 0, error: i % 2 ? text(i, 'tool error') : undefined }),
        c.recordTokenUsage({
          model: 'deepseek-chat',
          provider: 'deepseek',
          inputTokens: 1000 * i,
          outputTokens: 100 * i,
          cacheReadTokens: 10 * i,
        }),
        c.recordError({ kind: 'tool', message: text(i, 'error'), recoverable: true }),
        c.recordPipeline({
          pipelineId: `p${i}`,
          commitSha: 'abc123',
          status: i % 2 ? 'failed' : 'success',
          triggeredBy: 'testing',
          failingTests: i,
        }),
        c.recordDebuggingCycle({ trigger: 'test-failure', resolved: i % 2 === 0, failingTests: i }),
      ]);
      await c.finalizeAgent({ agentId, success: true });
      await c.finalizeIssue(i, i % 3 ? 'completed' : 'failed', { linesAdded: 10 * i, linesRemoved: i, coveragePercent: 80 });
    }
    c.close();
    return fs.readFileSync(c.journalPath);
  }
  const c = await MetricsCollector.start(startOptions(dir, runId));
  const work = (collector: MetricsCollector, from: number, to: number): void => {
    for (let i = from; i <= to; i++) {
      collector.startIssue(i, { title: text(i, 'title'), labels: ['bug', `l${i}`] });
      const agentId = collector.startAgent(i % 2 ? 'coding' : 'testing');
      const callId = collector.startToolCall('create_branch');
      collector.endToolCall(callId, { success: i % 2 === 0, error: i % 2 ? text(i, 'tool error') : undefined });
      collector.recordTokenUsage({
        model: 'deepseek-chat',
        provider: 'deepseek',
        inputTokens: 1000 * i,
        outputTokens: 100 * i,
        reasoningTokens: 10,
      });
      collector.recordError({ kind: 'tool', message: text(i, 'error'), recoverable: i % 2 === 0 });
      collector.recordPipeline({ pipelineId: `p${i}`, commitSha: 'abc123', status: i % 2 ? 'failed' : 'success', triggeredBy: 'testing' });
      collector.recordDebuggingCycle({ trigger: 'test-failure', resolved: true, failingTests: 2 });
      collector.finalizeAgent({ agentId, success: i % 2 === 0, error: i % 2 ? text(i, 'agent error') : undefined });
      collector.finalizeIssue(i, 'completed', { linesAdded: 10 * i, filesCreated: 1 });
    }
  };
  if (kind === 'resumed') {
    work(c, 1, Math.ceil(issues / 2));
    c.startIssue('left-open');
    c.startAgent('review');
    c.close();
    fs.appendFileSync(runPaths(dir, runId).journal, '{"v":1,"seq":99,"half a line');
    const resumed = await MetricsCollector.resume({ ...quiet(dir, runId), lockStaleMs: 2000 });
    work(resumed, Math.ceil(issues / 2) + 1, issues);
    resumed.close();
    return fs.readFileSync(resumed.journalPath);
  }
  work(c, 1, issues);
  c.close();
  return fs.readFileSync(c.journalPath);
}
