import type { JsonValue, SystemConfig } from '../../events/config.js';
import type { AnalysisRun } from '../../projections/analysis-input.js';

/** The value at a dotted path of a config ("llm.model", "planner.depth"); null when absent. */
export function configValue(config: SystemConfig, key: string): JsonValue {
  let value: JsonValue | undefined = config;
  for (const part of key.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, part))
      return null;
    value = value[part];
  }
  return value ?? null;
}

/** Every leaf path of a config (arrays are leaves), sorted. */
export function leafKeys(config: SystemConfig): string[] {
  const keys: string[] = [];
  const walk = (value: JsonValue, prefix: string): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) walk(value[key]!, prefix ? `${prefix}.${key}` : key);
    } else if (prefix) keys.push(prefix);
  };
  walk(config, '');
  return keys.sort();
}

/**
 * How a config value reads in a group label: absent as "(none)", strings as they are unless they
 * would read as another value (the string "1" next to the number 1, "true", "(none)"): those are
 * quoted, so that two groups never share a label.
 */
export function formatValue(value: JsonValue): string {
  if (value === null) return '(none)';
  if (typeof value !== 'string') return JSON.stringify(value);
  const ambiguous = value === '(none)' || value.trim() !== value || value === '' || /^(-?\d|true$|false$|null$|[[{"])/.test(value);
  return ambiguous ? JSON.stringify(value) : value;
}

/** A stable identity for a value, to group runs by it (1 and "1" stay apart). */
export const valueIdentity = (value: JsonValue): string => JSON.stringify(value);

/**
 * The keys of a run's config that describe its configuration: all of them, except, on an imported
 * run, `source.*` (the file it came from and its hash differ from run to run and configure nothing).
 */
export function configurationKeys(run: AnalysisRun): string[] {
  const keys = leafKeys(run.config);
  return run.imported ? keys.filter((key) => !key.startsWith('source.')) : keys;
}

/** The config keys of these runs, split into those whose value differs between runs and the rest. */
export function configKeysOf(runs: readonly AnalysisRun[]): { varying: string[]; constant: string[] } {
  const keys = [...new Set(runs.flatMap(configurationKeys))].sort();
  const varies = (key: string): boolean => new Set(runs.map((r) => valueIdentity(configValue(r.config, key)))).size > 1;
  return { varying: keys.filter(varies), constant: keys.filter((key) => !varies(key)) };
}
