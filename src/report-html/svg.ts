import { attrs, escapeHtml, type AttrValue } from './escape.js';
import { px } from './scale.js';

/**
 * SVG building blocks. Charts are drawn here, when the report is built: the page needs no script
 * and no chart library. Colours and fonts come from the page's stylesheet through class names.
 */

/** An inline chart: scales with its container (viewBox), titled for screen readers. */
export function svgChart(name: string, width: number, height: number, title: string, body: string): string {
  return (
    `<svg${attrs({ class: 'chart', 'data-chart': name, viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, preserveAspectRatio: 'xMinYMin meet' })}>` +
    `<title>${escapeHtml(title)}</title>${body}</svg>`
  );
}

export function svgText(x: number, y: number, text: string, extra: Readonly<Record<string, AttrValue>> = {}): string {
  return `<text${attrs({ x: px(x), y: px(y), ...extra })}>${escapeHtml(text)}</text>`;
}

export function svgLine(x1: number, y1: number, x2: number, y2: number, extra: Readonly<Record<string, AttrValue>> = {}): string {
  return `<line${attrs({ x1: px(x1), y1: px(y1), x2: px(x2), y2: px(y2), ...extra })}/>`;
}

export function svgCircle(cx: number, cy: number, r: number, extra: Readonly<Record<string, AttrValue>> = {}): string {
  return `<circle${attrs({ cx: px(cx), cy: px(cy), r: px(r), ...extra })}/>`;
}

export function svgRect(x: number, y: number, width: number, height: number, extra: Readonly<Record<string, AttrValue>> = {}): string {
  return `<rect${attrs({ x: px(x), y: px(y), width: px(Math.max(0, width)), height: px(Math.max(0, height)), ...extra })}/>`;
}

export function svgPolyline(points: ReadonlyArray<readonly [number, number]>, extra: Readonly<Record<string, AttrValue>> = {}): string {
  return `<polyline${attrs({ points: points.map(([x, y]) => `${px(x)},${px(y)}`).join(' '), fill: 'none', ...extra })}/>`;
}

/** A rough width of a label in SVG units, to lay out text without measuring it (system fonts vary). */
export const textWidth = (text: string, fontSize = 12): number => [...text].length * fontSize * 0.56;

/** Gridlines with tick labels along the x axis, from y0 down to y1. */
export function xGrid(
  ticks: readonly number[],
  x: (v: number) => number,
  y0: number,
  y1: number,
  label: (v: number) => string,
  labelAt: 'top' | 'bottom',
): string {
  return ticks
    .map(
      (t) =>
        svgLine(x(t), y0, x(t), y1, { class: 'grid' }) +
        svgText(x(t), labelAt === 'top' ? y0 - 6 : y1 + 15, label(t), { class: 'tick', 'text-anchor': 'middle' }),
    )
    .join('');
}

/** Gridlines with tick labels along the y axis, from x0 right to x1. */
export function yGrid(ticks: readonly number[], y: (v: number) => number, x0: number, x1: number, label: (v: number) => string): string {
  return ticks
    .map(
      (t) => svgLine(x0, y(t), x1, y(t), { class: 'grid' }) + svgText(x0 - 6, y(t) + 4, label(t), { class: 'tick', 'text-anchor': 'end' }),
    )
    .join('');
}
