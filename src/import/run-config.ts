import type { JsonValue, SystemConfig } from '../../events/config.js';
import { parseConfig } from '../collector/config.js';
import type { ImportedRun } from './importer.js';

/** A `--config key=value` given to the import: a dotted key and its value (a JSON number, boolean or null, else the text). */
export interface ConfigOverride {
  readonly key: string;
  readonly value: JsonValue;
}

/** Parses `key=value` (dotted keys): `temperature=0.2` is a number, `agent=aider` a string. Null when it is not key=value. */
export function parseConfigOverride(pair: string): ConfigOverride | null {
  const at = pair.indexOf('=');
  if (at < 1) return null;
  const key = pair.slice(0, at);
  if (key.split('.').some((part) => part === '')) return null;
  const text = pair.slice(at + 1);
  let value: JsonValue = text;
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(text)) value = JSON.parse(text) as JsonValue;
  return { key, value };
}

/**
 * The config an imported run records: what its source says, the `--config` values on top (they
 * win: the user knows what the source left out), and `source` = { format, file, sha256, … }.
 * Checked and redacted like a recorded run's config (parseConfig): credentials never reach the journal.
 */
export function importedRunConfig(format: string, run: ImportedRun, overrides: readonly ConfigOverride[]): SystemConfig {
  const config = JSON.parse(JSON.stringify(run.config)) as Record<string, JsonValue>;
  for (const { key, value } of overrides) setDotted(config, key, value);
  config.source = { format, ...run.source };
  return parseConfig(config);
}

function setDotted(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(node, part) ? node[part] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, JsonValue> = {};
      Object.defineProperty(node, part, { value: created, enumerable: true, writable: true, configurable: true });
      node = created;
    } else node = next;
  }
  Object.defineProperty(node, parts[parts.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}
