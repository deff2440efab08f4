import { z } from 'zod';
import { Count, DurationMs, Identifier, IssueId, Text } from './fields.js';

export const IssueStarted = z.strictObject({
  issueId: IssueId,
  title: Text.nullable(),
  labels: z.array(Identifier).max(256),
});

export const IssueStatus = z.enum(['completed', 'failed', 'skipped']);
export type IssueStatus = z.infer<typeof IssueStatus>;

/** The v2 metrics system's CodeMetrics. */
export const CodeMetrics = z.strictObject({
  filesCreated: Count,
  filesModified: Count,
  filesDeleted: Count,
  linesAdded: Count,
  linesRemoved: Count,
  testsAdded: Count,
  coveragePercent: z.number().min(0).max(100).nullable(),
});
export type CodeMetrics = z.infer<typeof CodeMetrics>;

export const IssueFinished = z.strictObject({
  issueId: IssueId,
  status: IssueStatus,
  code: CodeMetrics,
  durationMs: DurationMs.nullable(),
});

export const AgentStarted = z.strictObject({
  agentId: Identifier,
  agentType: Identifier,
  issueId: IssueId.nullable(),
  /** 1 for the first agent of this type on this issue, 2 for its first retry, ... */
  attempt: z.int().min(1),
});

export const AgentFinished = z.strictObject({
  agentId: Identifier,
  agentType: Identifier,
  issueId: IssueId.nullable(),
  success: z.boolean(),
  /** Null only when the source of an imported run did not measure it; the collector always measures it. */
  durationMs: DurationMs.nullable(),
  error: Text.nullable(),
});

export const ToolCallStarted = z.strictObject({
  callId: Identifier,
  tool: Identifier,
  issueId: IssueId.nullable(),
  agentId: Identifier.nullable(),
});

export const ToolCallEnded = z.strictObject({
  callId: Identifier,
  tool: Identifier,
  success: z.boolean(),
  /** Null only when the source of an imported run did not measure it; the collector always measures it. */
  durationMs: DurationMs.nullable(),
  error: Text.nullable(),
});

export const PipelineStatus = z.enum(['success', 'failed', 'canceled']);

export const PipelineFinished = z.strictObject({
  pipelineId: Identifier,
  commitSha: Identifier,
  status: PipelineStatus,
  triggeredBy: Identifier,
  /** 1 for the first pipeline of the issue, counting up with each retry. */
  attempt: z.int().min(1),
  durationMs: DurationMs.nullable(),
  failingTests: Count,
  issueId: IssueId.nullable(),
});

export const DebuggingCycleRecorded = z.strictObject({
  /** 1 for the issue's first cycle. */
  cycle: z.int().min(1),
  trigger: Identifier,
  failingTests: Count,
  resolved: z.boolean(),
  durationMs: DurationMs.nullable(),
  issueId: IssueId.nullable(),
  agentId: Identifier.nullable(),
});

export const ErrorRecorded = z.strictObject({
  kind: Identifier,
  message: Text,
  recoverable: z.boolean(),
  issueId: IssueId.nullable(),
  agentId: Identifier.nullable(),
  callId: Identifier.nullable(),
  tool: Identifier.nullable(),
});
