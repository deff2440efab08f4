import { z } from 'zod';
import type { IssueId } from '../../events/fields.js';
import { Cost, PriceSource } from '../../events/tokens.js';
import { validateEventData, type EventData, type EventType } from '../../events/registry.js';
import type { RunStatusRecorded } from '../../events/run.js';
import type { CodeMetrics, IssueStatus } from '../../events/work.js';
import { InvalidEventError, IssueAlreadyOpenError, IssueNotOpenError, NoOpenAgentError, RunFinalizedError, ToolCallNotOpenError } from '../errors.js';
import type { PriceBook, PriceQuote } from '../prices/price-book.js';
import {
  attemptsOf,
  debuggingCyclesOf,
  issueKey,
  lastOf,
  pipelineAttemptsOf,
  type CollectorContext,
} from './context.js';
import { cleanText, errorText } from './sanitize.js';

/** One validated event to append, and what the API call returns once it is durable. */
export interface PlannedEvent<R> {
  readonly type: EventType;
  readonly data: EventData<EventType>;
  readonly result: R;
}

export interface IssueOptions {
  readonly title?: string;
  readonly labels?: readonly string[];
}
export interface AgentOptions {
  readonly issueId?: IssueId;
}
export interface FinalizeAgentOptions {
  readonly success: boolean;
  readonly agentId?: string;
  readonly error?: unknown;
}
export interface ToolCallOptions {
  readonly issueId?: IssueId;
  readonly agentId?: string;
}
export interface EndToolCallOptions {
  readonly success: boolean;
  readonly error?: unknown;
}
export interface TokenUsageInput {
  readonly model: string;
  readonly provider?: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
  readonly issueId?: IssueId;
  readonly agentId?: string;
}
export type TokenUsage = EventData<'TokensUsed'>;
export interface PipelineInput {
  readonly pipelineId: string;
  readonly commitSha: string;
  readonly status: 'success' | 'failed' | 'canceled';
  readonly triggeredBy: string;
  readonly attempt?: number;
  readonly durationMs?: number;
  readonly failingTests?: number;
  readonly issueId?: IssueId;
}
export interface DebuggingCycleInput {
  readonly trigger: string;
  readonly resolved: boolean;
  readonly failingTests?: number;
  readonly durationMs?: number;
  readonly issueId?: IssueId;
  readonly agentId?: string;
}
export interface ErrorInput {
  readonly kind: string;
  /** The message, or anything thrown (its message is used). */
  readonly message: unknown;
  readonly recoverable: boolean;
  readonly issueId?: IssueId;
  readonly agentId?: string;
  readonly callId?: string;
  readonly tool?: string;
}
export type CodeMetricsInput = Partial<CodeMetrics>;

const QuoteSchema = z.strictObject({ cost: Cost.nullable(), priceSource: PriceSource });

function validateQuote(quote: PriceQuote): void {
  if (!QuoteSchema.safeParse(quote).success) {
    const issue = QuoteSchema.safeParse(quote, { reportInput: true }).error!.issues[0]!;
    throw new InvalidEventError('TokensUsed', issue.path.map(String).join('.'), 'input' in issue ? issue.input : undefined, `${issue.message} (from the price table)`);
  }
  if ((quote.cost === null) !== (quote.priceSource.kind === 'none')) {
    throw new InvalidEventError('TokensUsed', 'cost', quote.cost, 'null exactly when priceSource is "none" (from the price table)');
  }
}

/**
 * Turns API calls into validated events, reading (never changing) the collector context. Every
 * check happens here, before the journal sees anything: a refused call leaves no trace.
 */
export class EventPlanner {
  constructor(
    private readonly runId: string,
    private readonly ctx: CollectorContext,
    private readonly prices: PriceBook,
    private readonly clock: () => Date,
    /** The journal's failure, if it failed: the truer answer to any later call than "finalized". */
    private readonly journalFailure: () => Error | null = () => null,
  ) {}

  startIssue(issueId: IssueId, options: IssueOptions = {}): PlannedEvent<void> {
    this.assertOpen();
    if (this.ctx.openIssues.has(issueKey(issueId))) throw new IssueAlreadyOpenError(issueId);
    return this.plan('IssueStarted', { issueId, title: options.title === undefined ? null : cleanText(String(options.title)), labels: [...(options.labels ?? [])] }, undefined);
  }

  startAgent(agentType: string, options: AgentOptions = {}): PlannedEvent<string> {
    this.assertOpen();
    const issueId = this.issueFor('startAgent', options.issueId);
    const agentId = `agent-${this.ctx.agentsStarted + 1}`;
    const attempt = attemptsOf(this.ctx, issueId, agentType) + 1;
    return this.plan('AgentStarted', { agentId, agentType, issueId, attempt }, agentId);
  }

  finalizeAgent(options: FinalizeAgentOptions): PlannedEvent<void> {
    this.assertOpen();
    const agent = options.agentId === undefined ? lastOf(this.ctx.openAgents) : this.ctx.openAgents.get(options.agentId);
    if (!agent) throw new NoOpenAgentError('finalizeAgent', options.agentId);
    return this.plan(
      'AgentFinished',
      {
        agentId: agent.agentId,
        agentType: agent.agentType,
        issueId: agent.issueId,
        success: options.success,
        durationMs: this.since(agent.startedAt),
        error: options.error === undefined || options.error === null ? null : errorText(options.error),
      },
      undefined,
    );
  }

  startToolCall(tool: string, options: ToolCallOptions = {}): PlannedEvent<string> {
    this.assertOpen();
    const callId = `call-${this.ctx.toolCallsStarted + 1}`;
    return this.plan(
      'ToolCallStarted',
      { callId, tool, issueId: this.issueFor('startToolCall', options.issueId), agentId: this.agentFor(options.agentId) },
      callId,
    );
  }

  endToolCall(callId: string, options: EndToolCallOptions): PlannedEvent<void> {
    this.assertOpen();
    const call = typeof callId === 'string' ? this.ctx.openToolCalls.get(callId) : undefined;
    if (!call) throw new ToolCallNotOpenError(callId);
    return this.plan(
      'ToolCallEnded',
      {
        callId,
        tool: call.tool,
        success: options.success,
        durationMs: this.since(call.startedAt),
        error: options.error === undefined || options.error === null ? null : errorText(options.error),
      },
      undefined,
    );
  }

  recordTokenUsage(input: TokenUsageInput): PlannedEvent<TokenUsage> {
    this.assertOpen();
    const data: TokenUsage = {
      model: input.model,
      provider: input.provider ?? null,
      inputTokens: input.inputTokens,
      outputTokens: input.outputTokens,
      cacheReadTokens: input.cacheReadTokens ?? 0,
      cacheWriteTokens: input.cacheWriteTokens ?? 0,
      reasoningTokens: input.reasoningTokens ?? 0,
      cost: null,
      priceSource: { kind: 'none' },
      issueId: this.issueFor('recordTokenUsage', input.issueId),
      agentId: this.agentFor(input.agentId),
    };
    // Counts are checked before pricing, so the price table never sees NaN or negative tokens;
    // then only the quote is checked, not the whole event again.
    validateEventData('TokensUsed', data);
    const quote = this.prices.quote(data, this.clock());
    validateQuote(quote);
    const priced: TokenUsage = { ...data, cost: quote.cost, priceSource: quote.priceSource };
    return { type: 'TokensUsed', data: priced, result: priced };
  }

  recordPipeline(input: PipelineInput): PlannedEvent<void> {
    this.assertOpen();
    const issueId = this.issueFor('recordPipeline', input.issueId);
    return this.plan(
      'PipelineFinished',
      {
        pipelineId: input.pipelineId,
        commitSha: input.commitSha,
        status: input.status,
        triggeredBy: input.triggeredBy,
        attempt: input.attempt ?? pipelineAttemptsOf(this.ctx, issueId) + 1,
        durationMs: input.durationMs ?? null,
        failingTests: input.failingTests ?? 0,
        issueId,
      },
      undefined,
    );
  }

  recordDebuggingCycle(input: DebuggingCycleInput): PlannedEvent<void> {
    this.assertOpen();
    const issueId = this.issueFor('recordDebuggingCycle', input.issueId);
    return this.plan(
      'DebuggingCycleRecorded',
      {
        cycle: debuggingCyclesOf(this.ctx, issueId) + 1,
        trigger: input.trigger,
        failingTests: input.failingTests ?? 0,
        resolved: input.resolved,
        durationMs: input.durationMs ?? null,
        issueId,
        agentId: this.agentFor(input.agentId),
      },
      undefined,
    );
  }

  recordError(input: ErrorInput): PlannedEvent<void> {
    this.assertOpen();
    return this.plan(
      'ErrorRecorded',
      {
        kind: input.kind,
        message: errorText(input.message),
        recoverable: input.recoverable,
        issueId: this.issueFor('recordError', input.issueId),
        agentId: this.agentFor(input.agentId),
        callId: input.callId ?? null,
        tool: input.tool ?? null,
      },
      undefined,
    );
  }

  finalizeIssue(issueId: IssueId, status: IssueStatus, code: CodeMetricsInput = {}): PlannedEvent<void> {
    this.assertOpen();
    const open = this.ctx.openIssues.get(issueKey(issueId));
    if (!open) throw new IssueNotOpenError('finalizeIssue', issueId);
    return this.plan(
      'IssueFinished',
      {
        issueId,
        status,
        code: {
          filesCreated: code.filesCreated ?? 0,
          filesModified: code.filesModified ?? 0,
          filesDeleted: code.filesDeleted ?? 0,
          linesAdded: code.linesAdded ?? 0,
          linesRemoved: code.linesRemoved ?? 0,
          testsAdded: code.testsAdded ?? 0,
          coveragePercent: code.coveragePercent ?? null,
        },
        durationMs: this.since(open.startedAt),
      },
      undefined,
    );
  }

  /** null when the run is already finalized: finalizeRun is idempotent. */
  finalizeRun(status: RunStatusRecorded, reason?: string): PlannedEvent<void> | null {
    const failure = this.journalFailure();
    if (failure) throw failure;
    if (this.ctx.finished !== null) return null;
    return this.plan(
      'RunFinished',
      { status, durationMs: this.ctx.startedAt === null ? null : this.since(this.ctx.startedAt), reason: reason === undefined ? null : cleanText(reason) },
      undefined,
    );
  }

  get isFinished(): boolean {
    return this.ctx.finished !== null;
  }

  private plan<T extends EventType, R>(type: T, data: unknown, result: R): PlannedEvent<R> {
    return { type, data: validateEventData(type, data), result };
  }

  private assertOpen(): void {
    const failure = this.journalFailure();
    if (failure) throw failure;
    if (this.ctx.finished !== null) throw new RunFinalizedError(this.runId, this.ctx.finished);
  }

  /** An explicit issue must be open; otherwise the current (last started, still open) issue, or none. */
  private issueFor(operation: string, explicit: IssueId | undefined): IssueId | null {
    if (explicit !== undefined) {
      if (!this.ctx.openIssues.has(issueKey(explicit))) throw new IssueNotOpenError(operation, explicit);
      return explicit;
    }
    return lastOf(this.ctx.openIssues)?.issueId ?? null;
  }

  private agentFor(explicit: string | undefined): string | null {
    if (explicit !== undefined) return explicit;
    return lastOf(this.ctx.openAgents)?.agentId ?? null;
  }

  private since(startedAt: string): number {
    return Math.max(0, this.clock().getTime() - Date.parse(startedAt));
  }
}
