import crypto from 'node:crypto';
import type { JournalEntry } from './envelope.js';

/**
 * Line format (docs/DESIGN.md §3):
 *   {"v":1,"seq":N,"ts":"…","runId":"…","type":"…","data":{…},"prev":"<64 hex>","hash":"<64 hex>"}\n
 * `hash` is the SHA-256 (hex) of the line's UTF-8 bytes before `,"hash":"`. Those bytes include
 * `prev`, the previous line's hash, so the hashes form a chain. Hashing the bytes as written
 * (not a re-serialisation) lets any language verify a line without canonical JSON.
 */
export const HASH_SUFFIX_START = ',"hash":"';

/**
 * The longest line, newline excluded, that a journal may hold (docs/DESIGN.md §3.6): well above the
 * largest event the field limits allow (64 KiB of config, 16,384-character texts). The writer refuses
 * a longer event; the reader takes a longer line for garbage at once, without keeping its bytes.
 */
export const MAX_LINE_BYTES = 1 << 20;
/** `,"hash":"` + 64 hex + `"}` */
const HASH_SUFFIX_LENGTH = HASH_SUFFIX_START.length + 64 + 2;

type OneShotHash = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string;
// crypto.hash (Node >= 20.12) skips the Hash object; it is the hot path of every append.
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

export const sha256Hex: (bytes: string | Uint8Array) => string = oneShot
  ? (bytes) => oneShot('sha256', bytes, 'hex')
  : (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

export interface EncodedLine {
  readonly entry: JournalEntry;
  /** The whole line, newline included. */
  readonly text: string;
  readonly byteLength: number;
}

/**
 * Builds the line by concatenation, in the documented key order; only `data` needs a general
 * JSON.stringify. The result is byte for byte what JSON.stringify of the whole object gives.
 */
export function encodeLine(fields: Omit<JournalEntry, 'hash'>): EncodedLine {
  const { v, seq, ts, runId, type, data, prev } = fields;
  const body = `{"v":${JSON.stringify(v)},"seq":${JSON.stringify(seq)},"ts":${JSON.stringify(ts)},"runId":${JSON.stringify(runId)},"type":${JSON.stringify(type)},"data":${JSON.stringify(data)},"prev":${JSON.stringify(prev)}`;
  const hash = sha256Hex(body);
  const text = `${body}${HASH_SUFFIX_START}${hash}"}\n`;
  return { entry: { v, seq, ts, runId, type, data, prev, hash }, text, byteLength: Buffer.byteLength(text) };
}

export type LineCheck =
  { readonly ok: true; readonly value: Record<string, unknown>; readonly hash: string } | { readonly ok: false; readonly problem: string };

const HEX64 = /^[0-9a-f]{64}$/;
const HASH_SUFFIX_BYTES = Buffer.from(HASH_SUFFIX_START, 'latin1');

/**
 * Checks that one line (without its newline) stands alone: the hash suffix is in place and
 * matches the bytes before it, and the line parses as a JSON object. Says nothing about the chain.
 */
export function checkLine(line: Buffer): LineCheck {
  const n = line.length;
  if (n < HASH_SUFFIX_LENGTH + 2) return { ok: false, problem: 'line too short to hold a hash' };
  const suffixAt = n - HASH_SUFFIX_LENGTH;
  if (
    line.compare(HASH_SUFFIX_BYTES, 0, HASH_SUFFIX_BYTES.length, suffixAt, suffixAt + HASH_SUFFIX_BYTES.length) !== 0 ||
    line[n - 2] !== 0x22 ||
    line[n - 1] !== 0x7d
  ) {
    return { ok: false, problem: 'no hash at the end of the line' };
  }
  const hash = line.toString('latin1', suffixAt + HASH_SUFFIX_START.length, n - 2);
  // A hash equal to the computed one is 64 hex digits: the pattern is only asked to explain a mismatch.
  if (sha256Hex(line.subarray(0, suffixAt)) !== hash) {
    return { ok: false, problem: HEX64.test(hash) ? 'hash mismatch (the line was changed or damaged)' : 'hash is not 64 hex digits' };
  }
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch (error) {
    return { ok: false, problem: `bad JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'bad JSON (not an object)' };
  return { ok: true, value: value as Record<string, unknown>, hash };
}
