/**
 * A small supervisor that records one run the way a real one would: issues, agents, tool calls,
 * LLM token usage, a CI pipeline that fails once, a debugging cycle. Use it as a template.
 * Run: npm start (writes under ./logs, or RUNLEDGER_DIR).
 */
import path from 'node:path';
import { MetricsCollector, configFromEnv, resolveLogsDir, verifyRun } from '../src/index.js';

const dir = resolveLogsDir();
const collector = await MetricsCollector.start({
  dir,
  projectId: 'demo-project',
  // Defaults; RUNLEDGER_LLM_MODEL, RUNLEDGER_LLM_TEMPERATURE, ... override them.
  config: configFromEnv(process.env, { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3, minCoveragePercent: 70 }),
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const issue of [{ id: 3, title: 'Add login endpoint' }, { id: 4, title: 'Fix flaky payment test' }]) {
  collector.startIssue(issue.id, { title: issue.title, labels: ['backend'] });

  await collector.trackAgent('planning', async () => {
    collector.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1800, outputTokens: 450 });
    await sleep(5);
  });

  collector.startAgent('coding');
  const branch = collector.startToolCall('create_branch');
  await sleep(3);
  collector.endToolCall(branch, { success: true });
  collector.recordTokenUsage({ model: 'deepseek-chat', provider: 'deepseek', inputTokens: 5200, outputTokens: 1900, cacheReadTokens: 1200 });
  collector.finalizeAgent({ success: true });

  collector.recordPipeline({ pipelineId: `p-${issue.id}-1`, commitSha: 'abc1234', status: 'failed', triggeredBy: 'testing', failingTests: 2, durationMs: 94_000 });
  collector.recordDebuggingCycle({ trigger: 'pipeline_failed', failingTests: 2, resolved: true });
  collector.recordPipeline({ pipelineId: `p-${issue.id}-2`, commitSha: 'def5678', status: 'success', triggeredBy: 'testing', durationMs: 88_000 });

  collector.finalizeIssue(issue.id, 'completed', { filesCreated: 2, filesModified: 3, linesAdded: 240, linesRemoved: 31, testsAdded: 4, coveragePercent: 82.5 });
}
collector.finalizeRun('completed');
// Finalizing updated logs/csv and the JSON reports in the background; wait for that before leaving.
await collector.whenDerivedFilesUpdated();

const check = verifyRun(dir, collector.runId);
console.log(`Recorded run ${collector.runId}`);
console.log(`Journal: ${collector.journalPath} (${check.events} events, ${check.verdict})`);
console.log(`Tables:  ${path.join(dir, 'csv')} (runs.csv, issues.csv, agents.csv, pipelines.csv, tool_usage.csv, debugging_cycles.csv, errors.csv)`);
console.log(`Check it any time with: npx runledger verify --dir ${dir} ${collector.runId}`);
