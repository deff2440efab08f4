import { z } from 'zod';
import { pureRefinement } from './fast-accept.js';
import { Identifier } from './fields.js';

/** "unknown" is what the metrics system before v2 showed when it did not know the model: runledger never records it. */
const isRealModelName = pureRefinement((model: string) => model.trim().toLowerCase() !== 'unknown');

/** Any JSON value; configs are checked to be plain JSON data before this schema runs. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

export const LlmConfig = z
  .object({
    provider: Identifier.optional(),
    model: Identifier.refine(isRealModelName, 'a real model name, never "unknown"'),
    temperature: z.number().min(0).max(2).optional(),
  })
  .catchall(JsonValue);

/**
 * The v2 metrics system's SystemConfig: what a run was configured with, so runs can be compared.
 * Known keys are typed; any other key (nested too) is kept as plain JSON.
 */
export const SystemConfig = z
  .object({
    llm: LlmConfig,
    maxRetries: z.int().min(0).max(1000).optional(),
    minCoveragePercent: z.number().min(0).max(100).optional(),
    /** Agent attempts an issue is expected to need; the complexity score counts attempts beyond it. */
    expectedAgentAttempts: z.int().min(1).max(1000).optional(),
  })
  .catchall(JsonValue);
export type SystemConfig = z.infer<typeof SystemConfig>;
export type SystemConfigInput = z.input<typeof SystemConfig>;
