import { firstUnknownKey } from '../../events/known-keys.js';
import { AnalysisInputError } from '../errors.js';
import { assertBootstrapOptions, type BootstrapOptions } from './stats/bootstrap.js';

const BOOTSTRAP_KEYS = ['resamples', 'seed'];

/**
 * Checks an analysis' options before it reads a run: no unknown key (a typo such as `{ resampels }`
 * must not fall back to a default without a word), naming the closest known one, and bootstrap
 * settings in range.
 */
export function assertAnalysisOptions(call: string, options: BootstrapOptions, own: readonly string[] = []): void {
  const unknown = firstUnknownKey(options, [...own, ...BOOTSTRAP_KEYS]);
  if (unknown) throw new AnalysisInputError(`${call}: option ${JSON.stringify(unknown.key)} is ${unknown.message}`);
  assertBootstrapOptions(options);
}
