import { MAX_TEXT_LENGTH } from '../../events/fields.js';

/**
 * Patterns of credentials that must never reach a journal. Each keeps a recognisable prefix and
 * replaces the secret part. Sources: the documented key formats of OpenAI/Anthropic (sk-…),
 * GitHub (ghp_…, github_pat_…), AWS access key ids (AKIA…), Slack (xox?-…), Google (AIza…),
 * HTTP bearer tokens, and key=value pairs named like secrets.
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g, 'sk-[REDACTED]'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, 'gh_[REDACTED]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, 'github_pat_[REDACTED]'],
  [/\bAKIA[0-9A-Z]{16}\b/g, 'AKIA[REDACTED]'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, 'xox-[REDACTED]'],
  [/\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, 'AIza[REDACTED]'],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/-]{12,}=*/gi, '$1[REDACTED]'],
  [/\b((?:api[_-]?key|access[_-]?token|auth[_-]?token|secret|password|passwd)["']?\s*[:=]\s*["']?)[^\s"',;&]{6,}/gi, '$1[REDACTED]'],
];

/** Cheap first look: only text that contains one of these can hold a secret of SECRET_PATTERNS. */
const MIGHT_HOLD_SECRET =
  /sk-|gh[pousr]_|github_pat_|AKIA|xox[abprs]-|AIza|bearer|api[_-]?key|access[_-]?token|auth[_-]?token|secret|passw/i;

export function redactSecrets(text: string): string {
  if (!MIGHT_HOLD_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Free text (titles, messages, errors) as it goes into the journal: secrets redacted, and cut to
 * MAX_TEXT_LENGTH characters with a marker that says how much was cut. Never refused for length.
 */
export function cleanText(text: string): string {
  const redacted = redactSecrets(text);
  if (redacted.length <= MAX_TEXT_LENGTH) return redacted;
  // The marker counts the characters removed, and its own length depends on that count.
  const markerFor = (keep: number): string => `…[truncated ${redacted.length - keep} chars]`;
  let keep = MAX_TEXT_LENGTH - markerFor(MAX_TEXT_LENGTH).length;
  while (keep + markerFor(keep).length > MAX_TEXT_LENGTH) keep -= 1;
  const code = redacted.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep -= 1; // never split a surrogate pair
  return redacted.slice(0, keep) + markerFor(keep);
}

/** The text of anything thrown: its message (and name when it is not a plain Error). Never throws. */
export function errorText(error: unknown): string {
  try {
    if (error instanceof Error)
      return cleanText(error.name && error.name !== 'Error' ? `${error.name}: ${String(error.message)}` : String(error.message));
    if (typeof error === 'string') return cleanText(error);
    return cleanText(JSON.stringify(error) ?? String(error));
  } catch {
    // An object without a usable toString or JSON form (null prototype, a throwing getter).
    return cleanText(Object.prototype.toString.call(error));
  }
}

/** A name the caller chose (tool, label, kind): kept as given, but never carrying a credential. */
export function cleanName(name: unknown): unknown {
  return typeof name === 'string' ? redactSecrets(name) : name;
}

/**
 * Key names that say their value is a credential: api keys, secrets, passwords, access, auth,
 * bearer, refresh and session tokens, private keys, credentials, authorization. Compared in
 * lower case without separators, so `apiKey`, `api_key` and `X-API-Key` all match; counters and
 * limits such as `maxTokens` or `tokenLimit` do not (and only string values are ever replaced).
 */
const CREDENTIAL_KEY =
  /apikey|secret|password|passwd|passphrase|(?:access|auth|bearer|refresh|session|id|api|personalaccess)token$|^token$|privatekey|credential|authorization/;

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

export const REDACTED = '[REDACTED]';

/**
 * A run configuration (plain JSON data) with its credentials removed, before it is written
 * anywhere: every non-empty string under a key named like a credential (nested values included)
 * becomes "[REDACTED]", and every other string has the patterns of SECRET_PATTERNS redacted.
 * Returns a new value; the input is not changed. `__proto__` keys stay data.
 */
export function redactConfigCredentials<T>(value: T, underCredentialKey = false): T {
  if (typeof value === 'string') return (underCredentialKey && value !== '' ? REDACTED : redactSecrets(value)) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactConfigCredentials(item, underCredentialKey)) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = redactConfigCredentials((value as Record<string, unknown>)[key], underCredentialKey || isCredentialKey(key));
    Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}
