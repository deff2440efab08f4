import type { IssueId } from '../../events/fields.js';
import type { RunStatusRecorded } from '../../events/run.js';
import type { IssueStatus } from '../../events/work.js';
import type {
  AgentOptions,
  CodeMetricsInput,
  DebuggingCycleInput,
  EndToolCallOptions,
  ErrorInput,
  FinalizeAgentOptions,
  IssueOptions,
  PipelineInput,
  TokenUsage,
  TokenUsageInput,
  ToolCallOptions,
} from './planner.js';
import { CollectorBase } from './collector-base.js';
import { RunSession, type ResumeOptions, type StartOptions } from './run-session.js';
import {
  trackAgent,
  trackIssue,
  trackToolCall,
  type TrackAgentOptions,
  type TrackIssueOptions,
  type TrackToolCallOptions,
} from './tracking.js';

/**
 * The supervisor-facing API. Every tracking call is synchronous and returns only after its event
 * is fdatasync'd: what a call acknowledged survives any crash. For many concurrent agents in one
 * process, AsyncMetricsCollector has the same methods with group commit.
 */
export class MetricsCollector extends CollectorBase {
  static async start(options: StartOptions): Promise<MetricsCollector> {
    return new MetricsCollector(await RunSession.start(options));
  }

  /** Continues a crashed or interrupted run: see README "Resuming a run". */
  static async resume(options: ResumeOptions): Promise<MetricsCollector> {
    return new MetricsCollector(await RunSession.resume(options));
  }

  startIssue(issueId: IssueId, options?: IssueOptions): void {
    this.session.commitSync(this.session.planner.startIssue(issueId, options));
  }
  /** Returns the agent id; the agent works on the given or the current issue. */
  startAgent(agentType: string, options?: AgentOptions): string {
    return this.session.commitSync(this.session.planner.startAgent(agentType, options));
  }
  /** Finalizes the given agent, or the one started last that is still open. */
  finalizeAgent(options: FinalizeAgentOptions): void {
    this.session.commitSync(this.session.planner.finalizeAgent(options));
  }
  startToolCall(tool: string, options?: ToolCallOptions): string {
    return this.session.commitSync(this.session.planner.startToolCall(tool, options));
  }
  endToolCall(callId: string, options: EndToolCallOptions): void {
    this.session.commitSync(this.session.planner.endToolCall(callId, options));
  }
  /** Prices the usage now and returns what was recorded, cost and price source included. */
  recordTokenUsage(input: TokenUsageInput): TokenUsage {
    return this.session.commitSync(this.session.planner.recordTokenUsage(input));
  }
  recordPipeline(input: PipelineInput): void {
    this.session.commitSync(this.session.planner.recordPipeline(input));
  }
  recordDebuggingCycle(input: DebuggingCycleInput): void {
    this.session.commitSync(this.session.planner.recordDebuggingCycle(input));
  }
  recordError(input: ErrorInput): void {
    this.session.commitSync(this.session.planner.recordError(input));
  }
  finalizeIssue(issueId: IssueId, status: IssueStatus, code?: CodeMetricsInput): void {
    this.session.commitSync(this.session.planner.finalizeIssue(issueId, status, code));
  }
  /** Records RunFinished and releases the run. Idempotent; every other call after it is refused. */
  finalizeRun(status: RunStatusRecorded = 'completed', reason?: string): void {
    const plan = this.session.planner.finalizeRun(status, reason);
    if (plan) this.session.commitSync(plan);
  }

  trackIssue<T>(issueId: IssueId, work: () => T, options?: TrackIssueOptions<T>): T {
    return trackIssue(this, issueId, work, options) as T;
  }
  trackAgent<T>(agentType: string, work: (agentId: string) => T, options?: TrackAgentOptions<T>): T {
    return trackAgent(this, agentType, work, options) as T;
  }
  trackToolCall<T>(tool: string, work: (callId: string) => T, options?: TrackToolCallOptions<T>): T {
    return trackToolCall(this, tool, work, options) as T;
  }
}
