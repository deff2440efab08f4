import type { JsonValue } from '../../events/config.js';
import { UsageError } from './exit-codes.js';

/**
 * `--include key=value,key=value`: a configuration never run. A value that reads as JSON (0.7, 3,
 * true, null, "quoted") is taken as that JSON value, so numbers stay numbers as in the recorded
 * configs; any other text is a string.
 */
export function includedConfiguration(text: string): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    const key = at < 0 ? '' : pair.slice(0, at).trim();
    if (key === '')
      throw new UsageError(
        `--include ${JSON.stringify(text)}: ${JSON.stringify(pair)} is not key=value; e.g. --include llm.model=gpt-4o,llm.temperature=0.2`,
      );
    if (key in values) throw new UsageError(`--include ${JSON.stringify(text)} gives ${key} twice`);
    values[key] = jsonOrText(pair.slice(at + 1).trim());
  }
  return values;
}

function jsonOrText(raw: string): JsonValue {
  try {
    const parsed = JSON.parse(raw) as JsonValue;
    return typeof parsed === 'object' && parsed !== null ? raw : parsed;
  } catch {
    return raw;
  }
}
