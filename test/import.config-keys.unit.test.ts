import { describe, expect, it } from 'vitest';
import { configKeysOf } from '../src/analysis/config-keys.js';
import { analysisRun } from './helpers/analysis-runs.js';

/** An imported run's config.source names its file and hash: provenance, which the analyses never take for configuration. */
describe('the configuration keys of imported runs', () => {
  const source = (n: number) => ({ source: { format: 'aider', file: `/runs/${n}`, sha256: String(n).repeat(64).slice(0, 64) } });

  it('leave out source.* of imported runs, so runs that differ only in their files are one configuration', () => {
    const runs = [1, 2, 3].map((n) => ({
      ...analysisRun({ extra: { editFormat: n === 3 ? 'whole' : 'diff', ...source(n) } }),
      imported: true as const,
    }));
    const { varying, constant } = configKeysOf(runs);
    expect(varying).toEqual(['editFormat']);
    expect(constant.some((key) => key.startsWith('source.'))).toBe(false);
  });

  it('keep a recorded run’s own `source` key: only imported runs carry provenance there', () => {
    const runs = [1, 2].map((n) => analysisRun({ extra: source(n) }));
    expect(configKeysOf(runs).varying).toEqual(['source.file', 'source.sha256']);
  });
});
