import { printable } from '../../errors.js';

export interface TextTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns to right-align (numbers). */
  readonly right?: ReadonlySet<number>;
}

/**
 * Text from the journals (models, config values, keys) as Markdown shows it literally: no raw HTML
 * (`<script>`, `<img onerror>`), no links, no emphasis, no broken table rows; control characters
 * escaped as in the terminal.
 */
export function markdownText(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[|]/g, (ch) => `\\${ch}`);
}

/** Aligned columns for a terminal; control characters in cells are escaped (`printable`). */
export function renderTextTable(source: TextTable): string {
  const table = { ...source, headers: source.headers.map(printable), rows: source.rows.map((r) => r.map(printable)) };
  const widths = table.headers.map((h, c) => Math.max(h.length, ...table.rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (table.right?.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(table.headers), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)].join('\n');
}

export function renderMarkdownTable(table: TextTable): string {
  const escape = markdownText;
  const align = table.headers.map((_, c) => (table.right?.has(c) ? '---:' : '---'));
  return [
    `| ${table.headers.map(escape).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}
