/**
 * A small RFC 4180 reader for the tables replay writes (UTF-8 BOM, CRLF records, quoted cells that
 * may hold commas, quotes and line breaks). Written here so the check does not share code with the
 * writer under test.
 */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith('\ufeff') ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let cellStarted = false;
  while (i < input.length) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      cell += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && !cellStarted) {
      quoted = true;
      cellStarted = true;
      i += 1;
      continue;
    }
    if (ch === ',') {
      row.push(cell);
      cell = '';
      cellStarted = false;
      i += 1;
      continue;
    }
    if (ch === '\r' && input[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      cellStarted = false;
      i += 2;
      continue;
    }
    if (ch === '\n') throw new Error(`bare LF at ${i}: records must end in CRLF and a cell with a line break must be quoted`);
    cell += ch;
    cellStarted = true;
    i += 1;
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cellStarted || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Rows as objects keyed by the header row. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((r) => {
    if (r.length !== header.length)
      throw new Error(`a row with ${r.length} cells under a header of ${header.length}: ${JSON.stringify(r)}`);
    return Object.fromEntries(header.map((h, i) => [h, r[i]!]));
  });
}
