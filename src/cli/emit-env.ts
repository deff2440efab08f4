import type { JsonValue } from '../../events/config.js';
import { CONFIG_ENV } from '../collector/config.js';

/** The variables of configFromEnv that take a string; the others of CONFIG_ENV but RUNLEDGER_CONFIG_JSON take a number. */
const STRING_VARIABLES = new Set(['RUNLEDGER_LLM_PROVIDER', 'RUNLEDGER_LLM_MODEL']);

/** Config key → its own variable, read from CONFIG_ENV's descriptions ("llm.temperature (number 0-2)"). */
const VARIABLE_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(CONFIG_ENV)
    .filter(([name]) => name !== 'RUNLEDGER_CONFIG_JSON')
    .map(([name, description]) => [description.split(' ')[0]!, name]),
);

/**
 * The RUNLEDGER_* variables under which configFromEnv reads back these config values: a key with
 * its own variable (RUNLEDGER_LLM_MODEL, RUNLEDGER_LLM_TEMPERATURE, …) and a value of the type that
 * variable takes goes there; every other key goes into RUNLEDGER_CONFIG_JSON as nested JSON. An
 * absent key (null) is left out: configFromEnv's defaults apply to it.
 */
export function configEnv(values: Readonly<Record<string, JsonValue>>): Array<[string, string]> {
  const own: Array<[string, string]> = [];
  const rest: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null) continue;
    const variable = VARIABLE_OF.get(key);
    const fits =
      variable !== undefined && (STRING_VARIABLES.has(variable) ? typeof value === 'string' && value !== '' : typeof value === 'number');
    if (fits) own.push([variable, String(value)]);
    else setPath(rest, key.split('.'), value);
  }
  if (Object.keys(rest).length > 0) own.push(['RUNLEDGER_CONFIG_JSON', JSON.stringify(rest)]);
  return own;
}

function setPath(target: Record<string, JsonValue>, path: readonly string[], value: JsonValue): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, JsonValue>;
  }
  node[path[path.length - 1]!] = value;
}

/** A shell word: as it is when it holds only safe characters, else in single quotes ('\'' for a quote). */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_.:/@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One line of NAME=value assignments, shell-quoted, for `eval "export $line"`. */
export const envLine = (values: Readonly<Record<string, JsonValue>>): string =>
  configEnv(values)
    .map(([name, value]) => `${name}=${shellWord(value)}`)
    .join(' ');
