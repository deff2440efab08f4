import { z } from 'zod';

/**
 * Field schemas shared by the event types. Limits are part of the journal format
 * (see README "Limits"): identifiers over the limit are refused, free text is cut
 * by the collector with a marker before it is validated.
 */
export const MAX_IDENTIFIER_LENGTH = 256;
export const MAX_TEXT_LENGTH = 16_384;
/** A trillion tokens in one record is far beyond any model; larger values are bugs. */
export const MAX_TOKENS = 1_000_000_000_000;
/** About three years; a duration beyond that is a unit mistake. */
export const MAX_DURATION_MS = 100_000_000_000;

export const Identifier = z.string().min(1).max(MAX_IDENTIFIER_LENGTH);
export const Text = z.string().max(MAX_TEXT_LENGTH);
export const TokenCount = z.int().min(0).max(MAX_TOKENS);
export const Count = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
export const DurationMs = z.number().min(0).max(MAX_DURATION_MS);
/** Issue ids name files (issue_<id>_metrics.json), so strings are kept file-name safe. */
export const IssueId = z.union([
  z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'an integer >= 0 or 1-128 characters of A-Z a-z 0-9 . _ -'),
]);
export type IssueId = z.infer<typeof IssueId>;
export const Usd = z.number().min(0).max(1e12);

export const HostInfo = z.strictObject({
  hostname: Identifier,
  pid: z.int().min(0),
  platform: Identifier,
  nodeVersion: Identifier,
});
export type HostInfo = z.infer<typeof HostInfo>;
