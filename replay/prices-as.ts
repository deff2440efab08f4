/** Which prices the analyzer's costs use: those fixed when the tokens were recorded, or today's table (replay/reprice.ts). */
export type PricesAs = 'recorded' | 'current';
export const PRICES_AS: readonly PricesAs[] = ['recorded', 'current'];
