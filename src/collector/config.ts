import { SystemConfig, type SystemConfigInput } from '../../events/config.js';
import { InvalidConfigError } from '../errors.js';
import { MAX_CONFIG_BYTES, toPlainJson } from './plain-json.js';
import { redactConfigCredentials } from './sanitize.js';

/** Checks a run configuration: plain JSON, a real model, typed known keys; credentials redacted. Throws InvalidConfigError. */
export function parseConfig(input: unknown): SystemConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidConfigError('(config)', input, 'an object such as { llm: { provider, model, temperature }, maxRetries }');
  }
  // Credentials are removed before anything else looks at the config: the journal, and so every
  // file derived from it, never holds them (README "Security").
  const plain = redactConfigCredentials(toPlainJson(input));
  const size = Buffer.byteLength(JSON.stringify(plain));
  if (size > MAX_CONFIG_BYTES) throw new InvalidConfigError('(config)', `${size} bytes`, `at most ${MAX_CONFIG_BYTES} bytes of JSON`);
  const parsed = SystemConfig.safeParse(plain, { reportInput: true });
  // The plain copy, not zod's: zod's would lose `__proto__` keys (see validateEventData).
  if (parsed.success) return plain as SystemConfig;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(config)';
  const missingModel = field === 'llm' || field === 'llm.model';
  const allowed =
    missingModel && ('input' in issue ? issue.input === undefined : true)
      ? 'a model name is required (config.llm.model, or RUNLEDGER_LLM_MODEL with configFromEnv); runledger never records "unknown"'
      : issue.message;
  throw new InvalidConfigError(field, 'input' in issue ? issue.input : undefined, allowed);
}

/** The environment variables configFromEnv reads. */
export const CONFIG_ENV = {
  RUNLEDGER_LLM_PROVIDER: 'llm.provider',
  RUNLEDGER_LLM_MODEL: 'llm.model (required)',
  RUNLEDGER_LLM_TEMPERATURE: 'llm.temperature (number 0-2)',
  RUNLEDGER_MAX_RETRIES: 'maxRetries (integer >= 0)',
  RUNLEDGER_MIN_COVERAGE_PERCENT: 'minCoveragePercent (number 0-100)',
  RUNLEDGER_EXPECTED_AGENT_ATTEMPTS: 'expectedAgentAttempts (integer >= 1)',
  RUNLEDGER_CONFIG_JSON: 'any further keys, as a JSON object merged on top',
} as const;

/**
 * Reads a run configuration from RUNLEDGER_* variables (see CONFIG_ENV) on top of the program's
 * `defaults`: what is set in the environment wins. The result is checked like any config: no
 * model, no run.
 */
// eslint-disable-next-line complexity -- one `if` or `??` per RUNLEDGER_* variable, each over the defaults
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, defaults: Partial<SystemConfigInput> = {}): SystemConfig {
  const number = (name: keyof typeof CONFIG_ENV): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new InvalidConfigError(CONFIG_ENV[name], raw, `a number in ${name}`);
    return value;
  };
  let extra: Record<string, unknown> = {};
  if (env.RUNLEDGER_CONFIG_JSON) {
    try {
      extra = JSON.parse(env.RUNLEDGER_CONFIG_JSON) as Record<string, unknown>;
    } catch (error) {
      throw new InvalidConfigError('RUNLEDGER_CONFIG_JSON', env.RUNLEDGER_CONFIG_JSON, `a JSON object (${(error as Error).message})`);
    }
    if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) {
      throw new InvalidConfigError('RUNLEDGER_CONFIG_JSON', env.RUNLEDGER_CONFIG_JSON, 'a JSON object');
    }
  }
  const llm: Record<string, unknown> = { ...(defaults.llm ?? {}), ...((extra.llm ?? {}) as Record<string, unknown>) };
  if (env.RUNLEDGER_LLM_PROVIDER) llm.provider = env.RUNLEDGER_LLM_PROVIDER;
  if (env.RUNLEDGER_LLM_MODEL) llm.model = env.RUNLEDGER_LLM_MODEL;
  llm.temperature = number('RUNLEDGER_LLM_TEMPERATURE') ?? llm.temperature;
  const base: Record<string, unknown> = { ...defaults, ...extra };
  // undefined values are dropped by parseConfig, so unset variables leave keys absent.
  return parseConfig({
    ...base,
    llm,
    maxRetries: number('RUNLEDGER_MAX_RETRIES') ?? base.maxRetries,
    minCoveragePercent: number('RUNLEDGER_MIN_COVERAGE_PERCENT') ?? base.minCoveragePercent,
    expectedAgentAttempts: number('RUNLEDGER_EXPECTED_AGENT_ATTEMPTS') ?? base.expectedAgentAttempts,
  });
}
