import { unknownKeyMessage } from '../../events/known-keys.js';
import { InvalidRequestError } from '../errors.js';
import type { ResumeRunRequest, StartRunRequest } from './open-runs.js';

/**
 * The bodies of the HTTP API, checked for shape only: which keys may appear, and the numbers the
 * server itself acts on (lock timings). Everything that becomes an event is checked by the
 * library, with the library's errors.
 */

/** The body, parsed: JSON text for application/json, undefined when there was none. */
export function parseJsonBody(text: unknown): unknown {
  if (text === undefined || text === '') return undefined;
  if (typeof text !== 'string') throw new InvalidRequestError('(body)', text, 'JSON text');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError('(body)', text, `JSON (${(error as Error).message})`);
  }
}

function objectBody(body: unknown, allowedKeys: readonly string[], what: string): Record<string, unknown> {
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new InvalidRequestError('(body)', body, `a JSON object: ${what}`);
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowedKeys.includes(key))
      throw new InvalidRequestError(key, record[key], `a key of ${what}: ${unknownKeyMessage(key, allowedKeys)}`);
  }
  return record;
}

function optionalInteger(body: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidRequestError(key, value, `an integer from ${min} to ${max} (milliseconds)`);
  }
  return value;
}

const LOCK_STALE = { min: 2000, max: 86_400_000 };
const LOCK_WAIT = { min: 0, max: 60_000 };

export function parseStartBody(body: unknown): StartRunRequest {
  const record = objectBody(body, ['projectId', 'runId', 'config', 'lockStaleMs'], 'a run start');
  return {
    projectId: record.projectId,
    runId: record.runId,
    config: record.config,
    lockStaleMs: optionalInteger(record, 'lockStaleMs', LOCK_STALE.min, LOCK_STALE.max),
  };
}

export function parseResumeBody(body: unknown): ResumeRunRequest {
  const record = objectBody(body, ['lockStaleMs', 'lockWaitMs'], 'a run resume');
  return {
    lockStaleMs: optionalInteger(record, 'lockStaleMs', LOCK_STALE.min, LOCK_STALE.max),
    lockWaitMs: optionalInteger(record, 'lockWaitMs', LOCK_WAIT.min, LOCK_WAIT.max),
  };
}

/** POST /runs/:runId/finalize: the arguments of finalizeRun. */
export function parseFinalizeBody(body: unknown): Record<string, unknown> {
  return objectBody(body, ['status', 'reason'], 'finalizeRun');
}

/** One item of an NDJSON batch: its 1-based line in the body, and the item or why it is not JSON. */
export type BatchLine =
  | { readonly line: number; readonly item: unknown; readonly error?: undefined }
  | { readonly line: number; readonly error: InvalidRequestError };

/**
 * Splits an NDJSON body into its items. Blank lines (and a final newline) are skipped. A line that
 * is not JSON becomes an item that is refused when its turn comes, so the items before it still count.
 */
export function splitNdjson(text: unknown, maxItems: number): BatchLine[] {
  if (text === undefined || text === '')
    throw new InvalidRequestError('(body)', text ?? '', 'at least one NDJSON line {"call": ..., "args": {...}}');
  if (typeof text !== 'string') throw new InvalidRequestError('(body)', text, 'NDJSON text');
  const lines: BatchLine[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i += 1) {
    const source = raw[i]!.trim();
    if (source === '') continue;
    if (lines.length === maxItems)
      throw new InvalidRequestError('(body)', `more than ${maxItems} items`, `at most ${maxItems} items per batch (split it)`);
    try {
      lines.push({ line: i + 1, item: JSON.parse(source) });
    } catch (error) {
      lines.push({
        line: i + 1,
        error: new InvalidRequestError(`line ${i + 1}`, source, `one JSON object per line (${(error as Error).message})`),
      });
    }
  }
  if (lines.length === 0) throw new InvalidRequestError('(body)', text, 'at least one NDJSON line {"call": ..., "args": {...}}');
  return lines;
}
