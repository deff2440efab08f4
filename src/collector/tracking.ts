import type { IssueId } from '../../events/fields.js';
import type { IssueStatus } from '../../events/work.js';
import {
  OPTION_KEYS,
  optionsArgument,
  type AgentOptions,
  type CodeMetricsInput,
  type EndToolCallOptions,
  type ErrorInput,
  type FinalizeAgentOptions,
  type IssueOptions,
  type ToolCallOptions,
} from './planner.js';

/** A value, or a promise of it: the sync collector returns values, the async one promises. */
export type Maybe<T> = T | PromiseLike<T>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
  );
}

function andThen<A, B>(value: Maybe<A>, next: (a: A) => Maybe<B>): Maybe<B> {
  return isThenable(value) ? Promise.resolve(value).then(next) : next(value);
}

/** The collector methods the tracking helpers use; both collectors have them. */
export interface TrackingRecorder {
  startIssue(issueId: IssueId, options?: IssueOptions): Maybe<void>;
  finalizeIssue(issueId: IssueId, status: IssueStatus, code?: CodeMetricsInput): Maybe<void>;
  startAgent(agentType: string, options?: AgentOptions): Maybe<string>;
  finalizeAgent(options: FinalizeAgentOptions): Maybe<void>;
  startToolCall(tool: string, options?: ToolCallOptions): Maybe<string>;
  endToolCall(callId: string, options: EndToolCallOptions): Maybe<void>;
  recordError(input: ErrorInput): Maybe<void>;
}

export interface TrackIssueOptions<T> extends IssueOptions {
  /** Code metrics to record when the work succeeds (a value, or computed from its result). */
  readonly code?: CodeMetricsInput | ((result: Awaited<T>) => CodeMetricsInput);
  /** The issue's status from the work's result; default "completed". A throw is always "failed". */
  readonly status?: (result: Awaited<T>) => IssueStatus;
}
export interface TrackAgentOptions<T> extends AgentOptions {
  /** Whether the result counts as success; default true. A throw is always a failure. */
  readonly succeeded?: (result: Awaited<T>) => boolean;
}
export interface TrackToolCallOptions<T> extends ToolCallOptions {
  readonly succeeded?: (result: Awaited<T>) => boolean;
}

/**
 * Runs `work` (sync or async) and records how it ended. The work's own error is always what the
 * caller gets: if recording the failure fails too, that is reported as a process warning.
 */
function settle<T>(work: () => T, onSuccess: (value: Awaited<T>) => Maybe<void>, onFailure: (error: unknown) => Maybe<void>): T {
  const fail = (error: unknown): Maybe<never> => {
    let recorded: Maybe<void>;
    try {
      recorded = onFailure(error);
    } catch (recordError) {
      warnUnrecorded(recordError);
      throw error;
    }
    if (isThenable(recorded)) {
      return Promise.resolve(recorded).then(
        () => Promise.reject(error),
        (recordError) => {
          warnUnrecorded(recordError);
          return Promise.reject(error);
        },
      );
    }
    throw error;
  };
  let result: T;
  try {
    result = work();
  } catch (error) {
    return fail(error) as T;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => andThen(onSuccess(value as Awaited<T>), () => value),
      (error) => fail(error),
    ) as T;
  }
  return andThen(onSuccess(result as Awaited<T>), () => result) as T;
}

function warnUnrecorded(error: unknown): void {
  process.emitWarning(`runledger: the failure of tracked work could not be recorded: ${(error as Error)?.message ?? String(error)}`, {
    code: 'RUNLEDGER_TRACK_UNRECORDED',
  });
}

const TRACK_ISSUE_KEYS = [...OPTION_KEYS.startIssue, 'code', 'status'];
const TRACK_AGENT_KEYS = [...OPTION_KEYS.startAgent, 'succeeded'];
const TRACK_TOOL_CALL_KEYS = [...OPTION_KEYS.startToolCall, 'succeeded'];

/** Only the keys the start call takes, and only those present, so "absent" stays absent. */
function only<K extends string>(options: object, keys: readonly K[]): Partial<Record<K, unknown>> {
  const picked: Partial<Record<K, unknown>> = {};
  for (const key of keys) if (Object.prototype.hasOwnProperty.call(options, key)) picked[key] = (options as Record<K, unknown>)[key];
  return picked;
}

export function trackIssue<T>(recorder: TrackingRecorder, issueId: IssueId, work: () => T, input?: TrackIssueOptions<T>): Maybe<T> {
  const options = optionsArgument('IssueStarted', 'options', input, false, TRACK_ISSUE_KEYS) as TrackIssueOptions<T>;
  return andThen(recorder.startIssue(issueId, only(options, OPTION_KEYS.startIssue) as IssueOptions), () =>
    settle(
      work,
      (value) => {
        const code = typeof options.code === 'function' ? options.code(value) : options.code;
        return recorder.finalizeIssue(issueId, options.status?.(value) ?? 'completed', code);
      },
      (error) =>
        andThen(recorder.recordError({ kind: 'issue', message: error, recoverable: false, issueId }), () =>
          recorder.finalizeIssue(issueId, 'failed'),
        ),
    ),
  );
}

export function trackAgent<T>(
  recorder: TrackingRecorder,
  agentType: string,
  work: (agentId: string) => T,
  input?: TrackAgentOptions<T>,
): Maybe<T> {
  const options = optionsArgument('AgentStarted', 'options', input, false, TRACK_AGENT_KEYS) as TrackAgentOptions<T>;
  return andThen(recorder.startAgent(agentType, only(options, OPTION_KEYS.startAgent) as AgentOptions), (agentId) =>
    settle(
      () => work(agentId),
      (value) => recorder.finalizeAgent({ agentId, success: options.succeeded?.(value) ?? true }),
      (error) =>
        andThen(recorder.recordError({ kind: 'agent', message: error, recoverable: false, agentId }), () =>
          recorder.finalizeAgent({ agentId, success: false, error }),
        ),
    ),
  );
}

export function trackToolCall<T>(
  recorder: TrackingRecorder,
  tool: string,
  work: (callId: string) => T,
  input?: TrackToolCallOptions<T>,
): Maybe<T> {
  const options = optionsArgument('ToolCallStarted', 'options', input, false, TRACK_TOOL_CALL_KEYS) as TrackToolCallOptions<T>;
  return andThen(recorder.startToolCall(tool, only(options, OPTION_KEYS.startToolCall) as ToolCallOptions), (callId) =>
    settle(
      () => work(callId),
      (value) => recorder.endToolCall(callId, { success: options.succeeded?.(value) ?? true }),
      (error) =>
        andThen(recorder.recordError({ kind: 'tool', message: error, recoverable: true, callId, tool, agentId: options.agentId }), () =>
          recorder.endToolCall(callId, { success: false, error }),
        ),
    ),
  );
}
