/* eslint-disable max-lines -- EventPlanner has one method per collector call, each checking its input;
   the input types of those calls are declared beside it. */
import { z } from 'zod';
import { compileAcceptor } from '../../events/fast-accept.js';
import { IssueId as IssueIdSchema, type IssueId } from '../../events/fields.js';
import { assertKnownKeys } from '../../events/known-keys.js';
import { Cost, PriceSource } from '../../events/tokens.js';
import { validateEventData, type EventData, type EventType } from '../../events/registry.js';
import type { RunStatusRecorded } from '../../events/run.js';
import type { CodeMetrics, IssueStatus } from '../../events/work.js';
import {
  InvalidEventError,
  IssueAlreadyOpenError,
  IssueNotOpenError,
  NoOpenAgentError,
  RunFinalizedError,
  ToolCallNotOpenError,
} from '../errors.js';
import type { PriceBook, PriceQuote } from '../prices/price-book.js';
import { attemptsOf, debuggingCyclesOf, issueKey, lastOf, pipelineAttemptsOf, type CollectorContext } from './context.js';
import { cleanName, cleanText, errorText } from './sanitize.js';
import { agentKey, toolCallKey, type StartReturns } from './start-returns.js';

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
  /** The cost the provider reported for this call, in USD (OpenRouter `usage.cost`, LiteLLM `response_cost`). */
  readonly reportedCostUsd?: number;
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

/** The keys of each options object: anything else is a typo, refused with the closest of these. */
export const OPTION_KEYS = {
  startIssue: ['title', 'labels'],
  startAgent: ['issueId'],
  finalizeAgent: ['success', 'agentId', 'error'],
  startToolCall: ['issueId', 'agentId'],
  endToolCall: ['success', 'error'],
  recordTokenUsage: [
    'model',
    'provider',
    'inputTokens',
    'outputTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
    'reasoningTokens',
    'issueId',
    'agentId',
    'reportedCostUsd',
  ],
  recordPipeline: ['pipelineId', 'commitSha', 'status', 'triggeredBy', 'attempt', 'durationMs', 'failingTests', 'issueId'],
  recordDebuggingCycle: ['trigger', 'resolved', 'failingTests', 'durationMs', 'issueId', 'agentId'],
  recordError: ['kind', 'message', 'recoverable', 'issueId', 'agentId', 'callId', 'tool'],
  finalizeIssue: ['filesCreated', 'filesModified', 'filesDeleted', 'linesAdded', 'linesRemoved', 'testsAdded', 'coveragePercent'],
} as const satisfies Record<string, readonly string[]>;

const QuoteSchema = z.strictObject({ cost: Cost.nullable(), priceSource: PriceSource });
// Every TokensUsed call checks its quote: the compiled yes first, zod for anything it does not accept.
const acceptQuote = compileAcceptor(QuoteSchema);

function validateQuote(quote: PriceQuote): void {
  if (!acceptQuote?.(quote) && !QuoteSchema.safeParse(quote).success) {
    const issue = QuoteSchema.safeParse(quote, { reportInput: true }).error!.issues[0]!;
    throw new InvalidEventError(
      'TokensUsed',
      issue.path.map(String).join('.'),
      'input' in issue ? issue.input : undefined,
      `${issue.message} (from the price table)`,
    );
  }
  if ((quote.cost === null) !== (quote.priceSource.kind === 'none')) {
    throw new InvalidEventError('TokensUsed', 'cost', quote.cost, 'null exactly when priceSource is "none" (from the price table)');
  }
}

/**
 * The options object of a call: refused with a typed error when it is not an object at all, or
 * when it has a key the call does not know (named with the closest known key, never dropped).
 */
export function optionsArgument<T>(
  eventType: string,
  name: string,
  value: T | null | undefined,
  required: boolean,
  known: readonly string[],
  where = '',
): T | Record<string, never> {
  if (value === undefined && !required) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidEventError(eventType, name, value, required ? 'an object' : 'an object, or nothing');
  }
  assertKnownKeys(eventType, where, value, known);
  return value;
}

/** An issue id, checked before it becomes a map key (JSON of a cycle or a BigInt would throw). */
function validIssueId(eventType: string, value: unknown): IssueId {
  const parsed = IssueIdSchema.safeParse(value);
  if (!parsed.success) throw new InvalidEventError(eventType, 'issueId', value, 'an integer >= 0 or 1-128 characters of A-Z a-z 0-9 . _ -');
  return parsed.data;
}

function optionalText(eventType: string, field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidEventError(eventType, field, value, 'a string');
  return cleanText(value);
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
    private readonly startReturns: StartReturns,
    /** The journal's failure, if it failed: the truer answer to any later call than "finalized". */
    private readonly journalFailure: () => Error | null = () => null,
  ) {}

  startIssue(issueId: IssueId, options?: IssueOptions): PlannedEvent<void> {
    this.assertOpen();
    const o = optionsArgument('IssueStarted', 'options', options, false, OPTION_KEYS.startIssue) as IssueOptions;
    if (o.labels !== undefined && !Array.isArray(o.labels))
      throw new InvalidEventError('IssueStarted', 'labels', o.labels, 'an array of strings');
    const labels = (o.labels ?? []).map(cleanName);
    const title = optionalText('IssueStarted', 'title', o.title);
    issueId = validIssueId('IssueStarted', issueId);
    if (this.ctx.openIssues.has(issueKey(issueId))) throw new IssueAlreadyOpenError(issueId);
    return this.plan('IssueStarted', { issueId, title, labels }, undefined);
  }

  startAgent(agentType: string, options?: AgentOptions): PlannedEvent<string> {
    this.assertOpen();
    const issueId = this.issueFor(
      'startAgent',
      (optionsArgument('AgentStarted', 'options', options, false, OPTION_KEYS.startAgent) as AgentOptions).issueId,
    );
    agentType = cleanName(agentType) as string;
    const agentId = `agent-${this.ctx.agentsStarted + 1}`;
    const attempt = attemptsOf(this.ctx, issueId, agentType) + 1;
    return this.plan('AgentStarted', { agentId, agentType, issueId, attempt }, agentId);
  }

  finalizeAgent(input: FinalizeAgentOptions): PlannedEvent<void> {
    this.assertOpen();
    const options = optionsArgument('AgentFinished', 'options', input, true, OPTION_KEYS.finalizeAgent) as FinalizeAgentOptions;
    const agent = options.agentId === undefined ? lastOf(this.ctx.openAgents) : this.ctx.openAgents.get(options.agentId);
    if (!agent) throw new NoOpenAgentError('finalizeAgent', options.agentId);
    return this.plan(
      'AgentFinished',
      {
        agentId: agent.agentId,
        agentType: agent.agentType,
        issueId: agent.issueId,
        success: options.success,
        durationMs: this.startReturns.elapsed(agentKey(agent.agentId)) ?? this.since(agent.startedAt),
        error: options.error === undefined || options.error === null ? null : errorText(options.error),
      },
      undefined,
    );
  }

  startToolCall(tool: string, input?: ToolCallOptions): PlannedEvent<string> {
    this.assertOpen();
    const options = optionsArgument('ToolCallStarted', 'options', input, false, OPTION_KEYS.startToolCall) as ToolCallOptions;
    tool = cleanName(tool) as string;
    const callId = `call-${this.ctx.toolCallsStarted + 1}`;
    return this.plan(
      'ToolCallStarted',
      { callId, tool, issueId: this.issueFor('startToolCall', options.issueId), agentId: this.agentFor(options.agentId) },
      callId,
    );
  }

  endToolCall(callId: string, input: EndToolCallOptions): PlannedEvent<void> {
    this.assertOpen();
    const options = optionsArgument('ToolCallEnded', 'options', input, true, OPTION_KEYS.endToolCall) as EndToolCallOptions;
    const call = typeof callId === 'string' ? this.ctx.openToolCalls.get(callId) : undefined;
    if (!call) throw new ToolCallNotOpenError(callId);
    return this.plan(
      'ToolCallEnded',
      {
        callId,
        tool: call.tool,
        success: options.success,
        durationMs: this.startReturns.elapsed(toolCallKey(callId)) ?? this.since(call.startedAt),
        error: options.error === undefined || options.error === null ? null : errorText(options.error),
      },
      undefined,
    );
  }

  recordTokenUsage(usage: TokenUsageInput): PlannedEvent<TokenUsage> {
    this.assertOpen();
    const input = optionsArgument('TokensUsed', 'usage', usage, true, OPTION_KEYS.recordTokenUsage) as TokenUsageInput;
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
    // Written only when given: a journal without reported costs keeps its bytes (and older readers).
    if (input.reportedCostUsd !== undefined) data.reportedCostUsd = input.reportedCostUsd;
    // Counts are checked before pricing, so the price table never sees NaN or negative tokens;
    // then only the quote is checked, not the whole event again.
    validateEventData('TokensUsed', data);
    const quote = this.prices.quote(data, this.clock());
    validateQuote(quote);
    // `data` is this call's own object: priced in place rather than copied.
    data.cost = quote.cost;
    data.priceSource = quote.priceSource;
    return { type: 'TokensUsed', data, result: data };
  }

  recordPipeline(pipeline: PipelineInput): PlannedEvent<void> {
    this.assertOpen();
    const input = optionsArgument('PipelineFinished', 'pipeline', pipeline, true, OPTION_KEYS.recordPipeline) as PipelineInput;
    const issueId = this.issueFor('recordPipeline', input.issueId);
    return this.plan(
      'PipelineFinished',
      {
        pipelineId: input.pipelineId,
        commitSha: input.commitSha,
        status: input.status,
        triggeredBy: cleanName(input.triggeredBy),
        attempt: input.attempt ?? pipelineAttemptsOf(this.ctx, issueId) + 1,
        durationMs: input.durationMs ?? null,
        failingTests: input.failingTests ?? 0,
        issueId,
      },
      undefined,
    );
  }

  recordDebuggingCycle(cycle: DebuggingCycleInput): PlannedEvent<void> {
    this.assertOpen();
    const input = optionsArgument('DebuggingCycleRecorded', 'cycle', cycle, true, OPTION_KEYS.recordDebuggingCycle) as DebuggingCycleInput;
    const issueId = this.issueFor('recordDebuggingCycle', input.issueId);
    return this.plan(
      'DebuggingCycleRecorded',
      {
        cycle: debuggingCyclesOf(this.ctx, issueId) + 1,
        trigger: cleanName(input.trigger),
        failingTests: input.failingTests ?? 0,
        resolved: input.resolved,
        durationMs: input.durationMs ?? null,
        issueId,
        agentId: this.agentFor(input.agentId),
      },
      undefined,
    );
  }

  recordError(error: ErrorInput): PlannedEvent<void> {
    this.assertOpen();
    const input = optionsArgument('ErrorRecorded', 'error', error, true, OPTION_KEYS.recordError) as ErrorInput;
    return this.plan(
      'ErrorRecorded',
      {
        kind: cleanName(input.kind),
        message: errorText(input.message),
        recoverable: input.recoverable,
        issueId: this.issueFor('recordError', input.issueId),
        agentId: this.agentFor(input.agentId),
        callId: input.callId ?? null,
        tool: cleanName(input.tool ?? null),
      },
      undefined,
    );
  }

  finalizeIssue(issueId: IssueId, status: IssueStatus, metrics?: CodeMetricsInput): PlannedEvent<void> {
    this.assertOpen();
    const code = optionsArgument('IssueFinished', 'code', metrics, false, OPTION_KEYS.finalizeIssue, 'code') as CodeMetricsInput;
    issueId = validIssueId('IssueFinished', issueId);
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
      {
        status,
        durationMs: this.ctx.startedAt === null ? null : this.since(this.ctx.startedAt),
        reason: optionalText('RunFinished', 'reason', reason),
      },
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
      explicit = validIssueId(operation, explicit);
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
