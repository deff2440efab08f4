/** UTF-8 byte order mark: without it Excel reads UTF-8 CSV as the local code page. */
export const UTF8_BOM = '\ufeff';

/** A cell that must be quoted: it holds the delimiter, a quote, or a line break (a bare \n or \r too). */
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/**
 * RFC 4180 records, each ending in CRLF: a cell holding a comma, a quote or a line break is quoted,
 * and its quotes doubled. Byte for byte what csv-stringify gives with `record_delimiter: 'windows'`
 * and `quoted_match: /[\r\n]/` (test/replay.csv-encoding.test.ts holds the two side by side), at a
 * fraction of its cost: replay encodes every row of every run.
 */
export function encodeCsvRows(rows: readonly (readonly string[])[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i += 1) {
      const cell = row[i]!;
      if (i > 0) out += ',';
      out += NEEDS_QUOTES.test(cell) ? `"${cell.replace(QUOTE, '""')}"` : cell;
    }
    out += '\r\n';
  }
  return out;
}
