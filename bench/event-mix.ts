import type { AsyncMetricsCollector, MetricsCollector } from '../src/index.js';

/**
 * The tracked calls a coding agent makes, in a loop of four: an LLM reply's token usage, a tool
 * call's start and end, and a recoverable tool error. Each call writes one journal line.
 */
const TOKENS = { model: 'deepseek-chat', provider: 'deepseek', inputTokens: 1500, outputTokens: 800 } as const;
const TOOL = 'run_tests';
const ERROR = {
  kind: 'tool',
  message: 'run_tests exited with code 1: 2 failing tests in payment.spec.ts',
  recoverable: true,
  tool: TOOL,
} as const;
export const CALLS_PER_CYCLE = 4;

/** Gives the run an open issue and agent first, so the mix's lines carry both, as in a real run. */
export function openIssueAndAgent(collector: MetricsCollector): void {
  collector.startIssue(1, { title: 'Add login endpoint', labels: ['backend'] });
  collector.startAgent('coding');
}

export async function openIssueAndAgentAsync(collector: AsyncMetricsCollector): Promise<void> {
  await collector.startIssue(1, { title: 'Add login endpoint', labels: ['backend'] });
  await collector.startAgent('coding');
}

/** One cycle of the mix, synchronously: returns after the fourth line is fdatasync'd. */
export function syncCycle(collector: MetricsCollector): void {
  collector.recordTokenUsage(TOKENS);
  const callId = collector.startToolCall(TOOL);
  collector.endToolCall(callId, { success: false, error: 'exit code 1' });
  collector.recordError(ERROR);
}

/** One writer of many sharing one async collector: awaits each of its calls in turn. */
export async function asyncCycle(collector: AsyncMetricsCollector): Promise<void> {
  await collector.recordTokenUsage(TOKENS);
  const callId = await collector.startToolCall(TOOL);
  await collector.endToolCall(callId, { success: false, error: 'exit code 1' });
  await collector.recordError(ERROR);
}
