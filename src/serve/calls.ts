import type { IssueId } from '../../events/fields.js';
import type { RunStatusRecorded } from '../../events/run.js';
import type { IssueStatus } from '../../events/work.js';
import { InvalidRequestError } from '../errors.js';
import { OPTION_KEYS, type EventPlanner, type PlannedEvent } from '../collector/planner.js';
import { unknownKeyMessage } from '../../events/known-keys.js';

/**
 * The collector calls the HTTP API exposes, each with the names of its arguments. A call arrives
 * as `{"call": "<name>", "args": {...}}`; its arguments are handed to the EventPlanner method of the
 * same name, positional ones first, the rest as the options object the library takes. The planner
 * does all validation: this table only maps names, and refuses names it does not know (a typo in
 * an argument name never passes silently).
 */
type Args = Readonly<Record<string, unknown>>;
type Plan = (planner: EventPlanner, args: Args) => PlannedEvent<unknown> | null;

interface CallSpec {
  readonly args: readonly string[];
  readonly plan: Plan;
}

/** The options object of a call: only the keys the client sent, so "absent" stays absent. */
function pick(args: Args, names: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (Object.prototype.hasOwnProperty.call(args, name)) picked[name] = args[name];
  return picked;
}

const TOKEN_USAGE = OPTION_KEYS.recordTokenUsage;
const PIPELINE = OPTION_KEYS.recordPipeline;
const DEBUGGING_CYCLE = OPTION_KEYS.recordDebuggingCycle;
const ERROR = OPTION_KEYS.recordError;

const CALLS: Readonly<Record<string, CallSpec>> = {
  startIssue: {
    args: ['issueId', 'title', 'labels'],
    plan: (p, a) => p.startIssue(a.issueId as IssueId, pick(a, ['title', 'labels'])),
  },
  startAgent: {
    args: ['agentType', 'issueId'],
    plan: (p, a) => p.startAgent(a.agentType as string, pick(a, ['issueId'])),
  },
  finalizeAgent: {
    args: ['success', 'agentId', 'error'],
    plan: (p, a) => p.finalizeAgent(pick(a, ['success', 'agentId', 'error']) as never),
  },
  startToolCall: {
    args: ['tool', 'issueId', 'agentId'],
    plan: (p, a) => p.startToolCall(a.tool as string, pick(a, ['issueId', 'agentId'])),
  },
  endToolCall: {
    args: ['callId', 'success', 'error'],
    plan: (p, a) => p.endToolCall(a.callId as string, pick(a, ['success', 'error']) as never),
  },
  recordTokenUsage: { args: TOKEN_USAGE, plan: (p, a) => p.recordTokenUsage(pick(a, TOKEN_USAGE) as never) },
  recordPipeline: { args: PIPELINE, plan: (p, a) => p.recordPipeline(pick(a, PIPELINE) as never) },
  recordDebuggingCycle: { args: DEBUGGING_CYCLE, plan: (p, a) => p.recordDebuggingCycle(pick(a, DEBUGGING_CYCLE) as never) },
  recordError: { args: ERROR, plan: (p, a) => p.recordError(pick(a, ERROR) as never) },
  finalizeIssue: {
    args: ['issueId', 'status', 'code'],
    plan: (p, a) => p.finalizeIssue(a.issueId as IssueId, a.status as IssueStatus, a.code as never),
  },
  finalizeRun: {
    args: ['status', 'reason'],
    // The library's default status; an explicit null is passed on, so the planner refuses it.
    plan: (p, a) =>
      p.finalizeRun(
        (Object.prototype.hasOwnProperty.call(a, 'status') ? a.status : 'completed') as RunStatusRecorded,
        a.reason as string | undefined,
      ),
  },
};

export const CALL_NAMES = Object.keys(CALLS);

/** One item of a request: which call, with which arguments. */
export interface CallRequest {
  readonly call: string;
  readonly args: Args;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks the shape of one item (`{call, args}`) and the names of its arguments; values are the planner's job. */
export function parseCallRequest(item: unknown): CallRequest {
  if (!isPlainObject(item)) throw new InvalidRequestError('(item)', item, 'an object {"call": "<collector call>", "args": {...}}');
  for (const key of Object.keys(item)) {
    if (key !== 'call' && key !== 'args')
      throw new InvalidRequestError(key, item[key], `an item has only "call" and "args": ${unknownKeyMessage(key, ['call', 'args'])}`);
  }
  const { call, args = {} } = item;
  if (typeof call !== 'string' || !Object.prototype.hasOwnProperty.call(CALLS, call)) {
    throw new InvalidRequestError('call', call, `one of ${CALL_NAMES.join(', ')}`);
  }
  if (!isPlainObject(args)) throw new InvalidRequestError('args', args, `an object with the arguments of ${call}`);
  const known = CALLS[call]!.args;
  for (const key of Object.keys(args)) {
    if (!known.includes(key))
      throw new InvalidRequestError(`args.${key}`, args[key], `an argument of ${call}: ${unknownKeyMessage(key, known)}`);
  }
  return { call, args };
}

/** Plans the call's event (validation included); throws the library's typed error when it is refused. */
export function planCall(planner: EventPlanner, request: CallRequest): PlannedEvent<unknown> | null {
  return CALLS[request.call]!.plan(planner, request.args);
}
