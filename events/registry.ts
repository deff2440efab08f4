import type { z } from 'zod';
import { InvalidEventError } from '../src/errors.js';
import { RunFinished, RunResumed, RunStarted, TailQuarantined } from './run.js';
import { compileAcceptor, type Acceptor } from './fast-accept.js';
import { TokensUsed, TokensUsedFields, tokensUsedInconsistencies } from './tokens.js';
import {
  AgentFinished,
  AgentStarted,
  DebuggingCycleRecorded,
  ErrorRecorded,
  IssueFinished,
  IssueStarted,
  PipelineFinished,
  ToolCallEnded,
  ToolCallStarted,
} from './work.js';

/** The journal's vocabulary: event type name -> schema of its `data`. */
export const EVENT_SCHEMAS = {
  RunStarted,
  RunResumed,
  TailQuarantined,
  IssueStarted,
  AgentStarted,
  ToolCallStarted,
  ToolCallEnded,
  TokensUsed,
  AgentFinished,
  PipelineFinished,
  DebuggingCycleRecorded,
  ErrorRecorded,
  IssueFinished,
  RunFinished,
} as const;

export type EventSchemas = typeof EVENT_SCHEMAS;
export type EventType = keyof EventSchemas;
export type EventData<T extends EventType> = z.infer<EventSchemas[T]>;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

/** A run event as projections see it: the discriminated union over `type`. */
export type RunEvent = { [T in EventType]: { readonly type: T; readonly data: EventData<T> } }[EventType];

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(EVENT_SCHEMAS, type);
}

/**
 * Per type, a fast yes for data the schema surely accepts (events/fast-accept.ts); zod checks
 * whatever it does not accept. TokensUsed's rules between fields are a refinement the compiler
 * cannot read, so its fields are compiled and the same rules applied after.
 */
const FAST_ACCEPT: Partial<Record<EventType, Acceptor>> = Object.fromEntries(
  EVENT_TYPES.map((type): [EventType, Acceptor | null] => {
    if (type === 'TokensUsed') {
      const fields = compileAcceptor(TokensUsedFields);
      return [type, fields && ((data) => fields(data) && tokensUsedInconsistencies(data as EventData<'TokensUsed'>).length === 0)];
    }
    return [type, compileAcceptor(EVENT_SCHEMAS[type])];
  }).filter((entry): entry is [EventType, Acceptor] => entry[1] !== null),
);

/** The fast acceptor of a type, if its schema compiles to one (for tests). */
export function fastAcceptorOf(type: EventType): Acceptor | undefined {
  return FAST_ACCEPT[type];
}

/**
 * Checks `data` against the schema of `type` (unknown keys are refused, so a typo never passes
 * silently) and returns it unchanged, or throws InvalidEventError naming the first bad field.
 * The input itself is returned, not zod's copy: that copy would turn a `__proto__` key of
 * free-form config data into a prototype and lose it.
 */
export function validateEventData<T extends EventType>(type: T, data: unknown): EventData<T> {
  if (FAST_ACCEPT[type]?.(data)) return data as EventData<T>;
  const schema = EVENT_SCHEMAS[type];
  // reportInput makes a parse several times slower; it is only needed to explain a failure.
  if (schema.safeParse(data).success) return data as EventData<T>;
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return data as EventData<T>;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(data)';
  const value = 'input' in issue ? issue.input : undefined;
  throw new InvalidEventError(type, field, value, issue.message);
}

/** For the journal reader: is this a known event with valid data, and does a run begin with RunStarted? */
export function checkJournalEvent(type: unknown, data: unknown, seq: number): string | null {
  if (!isEventType(type)) return `unknown event type ${JSON.stringify(type)}`;
  if ((seq === 1) !== (type === 'RunStarted')) {
    return seq === 1 ? `the first event is ${type}, not RunStarted` : `RunStarted again at seq ${seq}`;
  }
  try {
    validateEventData(type, data);
    return null;
  } catch (error) {
    return (error as Error).message.replace(/ Nothing was written\.$/, '');
  }
}
