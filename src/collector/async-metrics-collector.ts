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
  PlannedEvent,
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

/** A refused options object (checked before any work runs) comes back as a rejected promise, not a throw. */
function settled<T>(track: () => T | PromiseLike<T>): Promise<Awaited<T>> {
  try {
    return Promise.resolve(track());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * MetricsCollector's methods returning promises, for processes that track many agents at once.
 * Calls made while an fdatasync is in flight share the next one (group commit); each promise
 * resolves only after the fdatasync that covers its event. Events keep the order of the calls.
 */
export class AsyncMetricsCollector extends CollectorBase {
  static async start(options: StartOptions): Promise<AsyncMetricsCollector> {
    return new AsyncMetricsCollector(await RunSession.start(options));
  }
  static async resume(options: ResumeOptions): Promise<AsyncMetricsCollector> {
    return new AsyncMetricsCollector(await RunSession.resume(options));
  }

  startIssue(issueId: IssueId, options?: IssueOptions): Promise<void> {
    return this.commit(() => this.session.planner.startIssue(issueId, options));
  }
  startAgent(agentType: string, options?: AgentOptions): Promise<string> {
    return this.commit(() => this.session.planner.startAgent(agentType, options));
  }
  finalizeAgent(options: FinalizeAgentOptions): Promise<void> {
    return this.commit(() => this.session.planner.finalizeAgent(options));
  }
  startToolCall(tool: string, options?: ToolCallOptions): Promise<string> {
    return this.commit(() => this.session.planner.startToolCall(tool, options));
  }
  endToolCall(callId: string, options: EndToolCallOptions): Promise<void> {
    return this.commit(() => this.session.planner.endToolCall(callId, options));
  }
  recordTokenUsage(input: TokenUsageInput): Promise<TokenUsage> {
    return this.commit(() => this.session.planner.recordTokenUsage(input));
  }
  recordPipeline(input: PipelineInput): Promise<void> {
    return this.commit(() => this.session.planner.recordPipeline(input));
  }
  recordDebuggingCycle(input: DebuggingCycleInput): Promise<void> {
    return this.commit(() => this.session.planner.recordDebuggingCycle(input));
  }
  recordError(input: ErrorInput): Promise<void> {
    return this.commit(() => this.session.planner.recordError(input));
  }
  finalizeIssue(issueId: IssueId, status: IssueStatus, code?: CodeMetricsInput): Promise<void> {
    return this.commit(() => this.session.planner.finalizeIssue(issueId, status, code));
  }
  /** Idempotent: a second call resolves when the first call's RunFinished is durable, not before. */
  finalizeRun(status: RunStatusRecorded = 'completed', reason?: string): Promise<void> {
    let plan;
    try {
      plan = this.session.planner.finalizeRun(status, reason);
    } catch (error) {
      return Promise.reject(error);
    }
    return plan ? this.session.commitAsync(plan) : (this.session.runFinishedDurable ?? Promise.resolve());
  }

  trackIssue<T>(issueId: IssueId, work: () => T, options?: TrackIssueOptions<T>): Promise<Awaited<T>> {
    return settled(() => trackIssue(this, issueId, work, options));
  }
  trackAgent<T>(agentType: string, work: (agentId: string) => T, options?: TrackAgentOptions<T>): Promise<Awaited<T>> {
    return settled(() => trackAgent(this, agentType, work, options));
  }
  trackToolCall<T>(tool: string, work: (callId: string) => T, options?: TrackToolCallOptions<T>): Promise<Awaited<T>> {
    return settled(() => trackToolCall(this, tool, work, options));
  }

  /** Refusals (bad input, finalized run, failed journal) come back as rejected promises. */
  private commit<R>(plan: () => PlannedEvent<R> | null): Promise<R> {
    try {
      const planned = plan();
      return planned ? this.session.commitAsync(planned) : (Promise.resolve() as Promise<R>);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
