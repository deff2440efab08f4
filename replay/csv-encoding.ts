import { stringify } from 'csv-stringify/sync';

/** UTF-8 byte order mark: without it Excel reads UTF-8 CSV as the local code page. */
export const UTF8_BOM = '\ufeff';

/**
 * RFC 4180 records (CRLF). A cell holding a bare \n or \r must be quoted too: csv-stringify does
 * not do that by itself when records end in CRLF, and a reader would then split the row.
 */
export function encodeCsvRows(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  return stringify(rows as string[][], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}
