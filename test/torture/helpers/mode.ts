/**
 * The torture suite runs in two sizes. SHORT (the default) is part of `npm test` and must stay
 * well under two minutes in total; LONG (`npm run torture`, RUNLEDGER_TORTURE=long) may take many
 * minutes and writes the figures of README "Guarantees" to test/torture/last-long-run.json.
 */
export const LONG = process.env.RUNLEDGER_TORTURE === 'long';
export const MODE: 'short' | 'long' = LONG ? 'long' : 'short';

/** The short-mode value, or the long-mode one. */
export function pick<T>(short: T, long: T): T {
  return LONG ? long : short;
}
