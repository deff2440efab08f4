import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCsvRows } from '../replay/csv-encoding.js';

/** The encoding the tables had with csv-stringify, the reference the hand-written encoder must match. */
const reference = (rows: string[][]): string =>
  rows.length === 0 ? '' : stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });

const cell = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', "'", '=', 'é', '\t') }),
  fc.constantFrom('', '""', '"', ',', '\r\n', 'a,b', 'x"y', "'=SUM(A1)", '12.5'),
);

describe('CSV encoding', () => {
  it('gives byte for byte what csv-stringify gave (RFC 4180, CRLF, quotes doubled, bare line breaks quoted)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 5 }), (rows) => {
        expect(encodeCsvRows(rows)).toBe(reference(rows));
      }),
      { numRuns: 1000 },
    );
  });

  it('quotes exactly the cells that need it', () => {
    expect(encodeCsvRows([['a', 'b,c', 'say "hi"', 'line\nbreak', 'cr\r', '']])).toBe('a,"b,c","say ""hi""","line\nbreak","cr\r",\r\n');
  });
});
