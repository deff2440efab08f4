import { attrs, escapeHtml, type AttrValue } from './escape.js';

export interface Column<T> {
  /** Header text (escaped). */
  readonly header: string;
  /** The cell's inner HTML: the caller escapes data (figure(), escapeHtml()). */
  readonly cell: (row: T) => string;
  /** Numbers are right-aligned. */
  readonly numeric?: boolean;
  readonly className?: string;
  /** A hint for the header, shown on hover. */
  readonly title?: string;
}

export interface TableOptions<T> {
  readonly className?: string;
  readonly rowAttrs?: (row: T) => Readonly<Record<string, AttrValue>>;
  /** Shown instead of an empty table. */
  readonly empty?: string;
  readonly attributes?: Readonly<Record<string, AttrValue>>;
}

/** A table in a wrapper that scrolls sideways on a narrow screen; numbers right-aligned, header repeated on each printed page. */
export function htmlTable<T>(columns: readonly Column<T>[], rows: readonly T[], options: TableOptions<T> = {}): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(options.empty ?? 'Nothing recorded.')}</p>`;
  const cls = (c: Column<T>): string | undefined => [c.numeric ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ') || undefined;
  const head = columns.map((c) => `<th${attrs({ class: cls(c), scope: 'col', title: c.title })}>${escapeHtml(c.header)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr${attrs(options.rowAttrs?.(row) ?? {})}>${columns.map((c) => `<td${attrs({ class: cls(c) })}>${c.cell(row)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="table-wrap"><table${attrs({ class: options.className, ...options.attributes })}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}
