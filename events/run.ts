import { z } from 'zod';
import { SystemConfig } from './config.js';
import { Count, DurationMs, HostInfo, Identifier, Text } from './fields.js';

export const PriceTableInfo = z.strictObject({
  package: Identifier,
  version: Identifier,
  overrideFile: z.string().max(4096).nullable(),
  overrideSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});

/**
 * How long the writer's lock may go without a refresh before its writer counts as dead. Readers
 * need it to tell "running" from "crashed" the way the writer itself defined it.
 */
export const LockStaleMs = z.int().min(2000).max(86_400_000);

export const RunStarted = z.strictObject({
  projectId: Identifier,
  runId: Identifier,
  config: SystemConfig,
  runledgerVersion: Identifier,
  priceTable: PriceTableInfo,
  host: HostInfo,
  /** Absent in journals written before runledger recorded it: readers assume the default 10 s. */
  lockStaleMs: LockStaleMs.optional(),
  /**
   * Present (and true) only on runs written by `runledger import` from another harness's files: the
   * run was not recorded live. Absent in every journal the collector writes.
   */
  imported: z.literal(true).optional(),
});

export const RunStatusRecorded = z.enum(['completed', 'failed', 'interrupted', 'crashed']);
export type RunStatusRecorded = z.infer<typeof RunStatusRecorded>;

export const RunFinished = z.strictObject({
  status: RunStatusRecorded,
  durationMs: DurationMs.nullable(),
  reason: Text.nullable(),
});

/** Agents and tool calls that were open when the previous writer died: they ended without a result. */
export const RunResumed = z.strictObject({
  host: HostInfo,
  lockStaleMs: LockStaleMs.optional(),
  afterSeq: Count,
  abandonedAgents: z.array(Identifier),
  abandonedToolCalls: z.array(Identifier),
});

export const TailQuarantined = z.strictObject({
  offset: Count,
  bytes: Count,
  file: Identifier,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  reason: Text,
});
