import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { configValue } from '../src/analysis/config-keys.js';
import { configEnv, envLine, shellWord } from '../src/cli/emit-env.js';
import { configFromEnv } from '../src/collector/config.js';

describe('suggest --emit-env: the RUNLEDGER_* variables of a configuration', () => {
  const values = {
    'llm.model': "o'brien-7b",
    'llm.provider': 'acme',
    'llm.temperature': 0.3,
    maxRetries: 2,
    'planner.depth': 4,
    'planner.name': 'two words',
    'llm.top_p': 0.9,
    'absent.key': null,
  };

  it('puts keys with their own variable there and every other key into RUNLEDGER_CONFIG_JSON; configFromEnv reads them back', () => {
    const env = Object.fromEntries(configEnv(values));
    expect(env).toEqual({
      RUNLEDGER_LLM_MODEL: "o'brien-7b",
      RUNLEDGER_LLM_PROVIDER: 'acme',
      RUNLEDGER_LLM_TEMPERATURE: '0.3',
      RUNLEDGER_MAX_RETRIES: '2',
      RUNLEDGER_CONFIG_JSON: '{"planner":{"depth":4,"name":"two words"},"llm":{"top_p":0.9}}',
    });
    const config = configFromEnv(env);
    for (const [key, value] of Object.entries(values)) if (value !== null) expect(configValue(config, key), key).toEqual(value);
    expect(configValue(config, 'absent.key')).toBeNull();
  });

  it('a number recorded as a string, or an empty model, goes through RUNLEDGER_CONFIG_JSON so its type survives', () => {
    expect(configEnv({ 'llm.temperature': '0.5', 'llm.model': 'm' })).toEqual([
      ['RUNLEDGER_LLM_MODEL', 'm'],
      ['RUNLEDGER_CONFIG_JSON', '{"llm":{"temperature":"0.5"}}'],
    ]);
  });

  it('quotes for the shell: eval "export $line" sets exactly these values', () => {
    expect(shellWord('gpt-4o')).toBe('gpt-4o');
    expect(shellWord("o'brien $HOME")).toBe(`'o'\\''brien $HOME'`);
    const line = envLine(values);
    const shell = spawnSync(
      'bash',
      ['-c', 'eval "export $1"; printf "%s\\n" "$RUNLEDGER_LLM_MODEL" "$RUNLEDGER_CONFIG_JSON"', 'bash', line],
      {
        encoding: 'utf8',
      },
    );
    expect(shell.stdout).toBe(`o'brien-7b\n{"planner":{"depth":4,"name":"two words"},"llm":{"top_p":0.9}}\n`);
  });
});
