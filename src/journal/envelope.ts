/**
 * The envelope around every event: what the journal adds to the vocabulary of events/ (its
 * version, sequence, time, run, and the hash chain from GENESIS_HASH on).
 */
import type { EventType, RunEvent } from '../../events/registry.js';

/** Version of the journal line format and event schemas written by this runledger. */
export const SCHEMA_VERSION = 1;

/** The hash field of a run's first line chains onto this. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One journal line: `{v, seq, ts, runId, type, data, prev, hash}` in that key order.
 * See docs/DESIGN.md §3.3 for how `hash` is computed.
 */
export interface JournalEntry<E extends RunEvent = RunEvent> {
  readonly v: number;
  readonly seq: number;
  readonly ts: string;
  readonly runId: string;
  readonly type: E['type'];
  readonly data: E['data'];
  readonly prev: string;
  readonly hash: string;
}

/** A journal entry whose `data` is narrowed by `type`: what projections switch over. */
export type RunEntry = {
  [T in EventType]: JournalEntry<Extract<RunEvent, { type: T }>>;
}[EventType];
