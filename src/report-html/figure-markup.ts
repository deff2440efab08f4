import type { Estimate } from '../analysis/stats/bootstrap.js';
import { el, escapeHtml, type AttrValue } from './escape.js';

/**
 * Where a number on the page comes from: `source` names the part of the analysis ("best",
 * "compare:llm.model", "trend:success", ...), `group` the configuration, `metric` the figure. The
 * page writes these as data attributes beside the exact value, so a reader (or a test) can match
 * every number shown with the JSON analysis.
 */
export interface FigureRef {
  readonly source: string;
  readonly group?: string;
  readonly metric: string;
}

/** The exact value as an attribute: String(x) reads back as the same number; "" for none. */
const exact = (x: number | null | undefined): string => (x === null || x === undefined ? '' : String(x));

export function figureAttrs(ref: FigureRef, value: number | null | undefined): Record<string, AttrValue> {
  return { 'data-source': ref.source, 'data-group': ref.group, 'data-metric': ref.metric, 'data-value': exact(value) };
}

/** A number shown as `text`, with its exact value in data attributes. */
export function figure(
  ref: FigureRef,
  value: number | null | undefined,
  text: string,
  extra: Readonly<Record<string, AttrValue>> = {},
): string {
  return el('span', { class: 'fig', ...figureAttrs(ref, value), ...extra }, escapeHtml(text));
}

/**
 * An estimate with its interval as text ("62.5% [51.2–72.6]"), low and high as data attributes
 * too. The estimate and the bracket are separate spans, so a table can put the interval on a
 * second line; the element's text stays exactly what `format` says.
 */
export function intervalFigure(
  ref: FigureRef,
  interval: Estimate | null | undefined,
  format: (i: Estimate | null | undefined) => string,
): string {
  const text = format(interval);
  const cut = text.indexOf(' [');
  const inner =
    cut < 0
      ? escapeHtml(text)
      : `<span class="est">${escapeHtml(text.slice(0, cut))}</span> <span class="ci">${escapeHtml(text.slice(cut + 1))}</span>`;
  return el(
    'span',
    { class: 'fig', ...figureAttrs(ref, interval?.estimate), 'data-low': exact(interval?.low), 'data-high': exact(interval?.high) },
    inner,
  );
}

/** An integer with thousands separators, the same in every locale. */
export function int(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
