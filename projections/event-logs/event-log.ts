import type { RunEntry } from '../../src/journal/envelope.js';
import type { EventData, EventType } from '../../events/registry.js';

/** One recorded event of type T as a row: its data, its seq and when it was recorded. */
export type LogRecord<T extends EventType> = EventData<T> & { readonly seq: number; readonly recordedAt: string };

export interface EventLogState<T extends EventType> {
  readonly records: LogRecord<T>[];
}

export interface EventLogProjection<T extends EventType> {
  readonly type: T;
  initialState(): EventLogState<T>;
  evolve(state: EventLogState<T>, entry: RunEntry): EventLogState<T>;
}

/**
 * A projection that keeps every event of one type, in journal order: pipelines (every attempt),
 * debugging cycles and errors are such logs. It ignores every other type by definition, so it
 * needs no exhaustive switch.
 */
export function eventLogProjection<T extends EventType>(type: T): EventLogProjection<T> {
  return {
    type,
    initialState: () => ({ records: [] }),
    evolve: (state, entry) => {
      if (entry.type === type) state.records.push({ ...(entry.data as EventData<T>), seq: entry.seq, recordedAt: entry.ts });
      return state;
    },
  };
}

export const pipelinesProjection = eventLogProjection('PipelineFinished');
export const debuggingCyclesProjection = eventLogProjection('DebuggingCycleRecorded');
export const errorsProjection = eventLogProjection('ErrorRecorded');

export type PipelineModel = LogRecord<'PipelineFinished'>;
export type DebuggingCycleModel = LogRecord<'DebuggingCycleRecorded'>;
export type ErrorModel = LogRecord<'ErrorRecorded'>;
