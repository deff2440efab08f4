import { PRICES_AS, type PricesAs } from '../../replay/prices-as.js';
import { UsageError } from './exit-codes.js';

/** --prices-as and --prices, checked (call before anything is read). */
export function pricingOf(options: { pricesAs?: string; prices?: string }): { pricesAs: PricesAs; prices?: string } {
  const pricesAs = (options.pricesAs ?? 'recorded') as PricesAs;
  if (!PRICES_AS.includes(pricesAs))
    throw new UsageError(`--prices-as ${JSON.stringify(options.pricesAs)} is not one of ${PRICES_AS.join(', ')}`);
  if (options.prices !== undefined && pricesAs !== 'current')
    throw new UsageError('--prices re-prices costs: it needs --prices-as current');
  return { pricesAs, prices: options.prices };
}

/** Above a text result priced with today's table: say so, and where the recorded figures are. */
export function pricingNote(options: { pricesAs?: string; prices?: string }): string {
  if (options.pricesAs !== 'current') return '';
  return `Costs priced with today's price table${options.prices ? ` and ${options.prices}` : ''} (--prices-as current), not as recorded; the recorded figures are in --json (repriced.recorded).\n\n`;
}
