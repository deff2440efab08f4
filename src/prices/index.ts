export { PriceBook, pricePackageVersion, PRICE_PACKAGE, type PriceBookOptions, type PriceQuote, type TokenCounts } from './price-book.js';
export { loadOverrideFile, OverrideFileSchema, OverridePrice, type OverrideTable } from './override-file.js';
