import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  analysisReport,
  bestConfiguration,
  compareConfigurations,
  costEfficiency,
  parameterInfluence,
  performanceTrends,
  suggestRuns,
} from '../src/analysis/index.js';
import { replay } from '../replay/index.js';
import { startServer } from '../src/serve/index.js';
import { runsWith } from './helpers/analysis-runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * Options objects of the library are closed, like the collector's (collector.bad-input): a typo is
 * refused naming the closest known key, never dropped so that a default silently takes its place.
 */
describe('the library refuses an unknown option, naming the closest known one', () => {
  const runs = runsWith({ model: 'a' }, [5, 6, 7], { issues: 10 });

  it.each([
    ['compareConfigurations', () => compareConfigurations(runs, { by: ['llm.model'], resampels: 10 } as never), 'resampels', 'resamples'],
    ['bestConfiguration', () => bestConfiguration(runs, { bye: ['llm.model'] } as never), 'bye', 'by'],
    ['costEfficiency', () => costEfficiency(runs, { seeds: 2 } as never), 'seeds', 'seed'],
    ['performanceTrends', () => performanceTrends(runs, { last: 3 } as never), 'last', 'lastN'],
    ['parameterInfluence', () => parameterInfluence(runs, { resample: 10 } as never), 'resample', 'resamples'],
    ['analysisReport', () => analysisReport(runs, { lastn: 2 } as never), 'lastn', 'lastN'],
    ['suggestRuns', () => suggestRuns(runs, { budget: 5 } as never), 'budget', 'budgetUsd'],
  ])('%s', (call, run, key, closest) => {
    let thrown: unknown;
    try {
      run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'ANALYSIS_INPUT' });
    expect((thrown as Error).message).toContain(`${call}: option "${key}" is an unknown key: did you mean "${closest}"?`);
  });

  it('replay, before it reads or writes anything', async () => {
    const dir = tempDir();
    const error = await replay({ dir, ful: true } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OPTION_INVALID', call: 'replay', key: 'ful' });
    expect((error as Error).message).toMatch(/did you mean "full"\?/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('startServer, before it listens', async () => {
    const error = await startServer({ dir: tempDir(), prot: 0 } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OPTION_INVALID', call: 'startServer', key: 'prot' });
    expect((error as Error).message).toMatch(/did you mean "port"\?/);
  });
});
