export interface TextTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns to right-align (numbers). */
  readonly right?: ReadonlySet<number>;
}

/** Aligned columns for a terminal. */
export function renderTextTable(table: TextTable): string {
  const widths = table.headers.map((h, c) => Math.max(h.length, ...table.rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (table.right?.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(table.headers), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)].join('\n');
}

export function renderMarkdownTable(table: TextTable): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const align = table.headers.map((_, c) => (table.right?.has(c) ? '---:' : '---'));
  return [
    `| ${table.headers.map(escape).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}
