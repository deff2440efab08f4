import type { Estimate } from '../analysis/stats/bootstrap.js';
import { figureAttrs, type FigureRef } from './figure-markup.js';
import { linearScale } from './scale.js';
import { svgChart, svgCircle, svgLine, svgRect, svgText, textWidth, xGrid } from './svg.js';

export interface IntervalRow {
  readonly label: string;
  readonly interval: Estimate | null;
  /** The interval as text, shown at the right end of the row. */
  readonly text: string;
  readonly ref: FigureRef;
  /** Why the sample is too small, or null: such rows are drawn muted with a warning sign. */
  readonly insufficientSample: string | null;
  readonly highlight?: boolean;
}

const ROW = 30;
const TOP = 34;
const BOTTOM = 14;
const VALUE_WIDTH = 190;

/**
 * Rates in [0, 1] as horizontal interval bars: a line from the low to the high end of the 95%
 * interval with a dot at the estimate, one row per group, the interval as text on the right.
 */
export function intervalChart(name: string, title: string, rows: readonly IntervalRow[], width = 1100): string {
  const labelWidth = Math.min(340, Math.max(120, ...rows.map((r) => textWidth(`⚠ ${r.label}`, 13) + 18)));
  const x0 = labelWidth;
  const x1 = width - VALUE_WIDTH;
  const height = TOP + rows.length * ROW + BOTTOM;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const x = linearScale(0, 1, x0, x1, ticks);
  let body = xGrid(ticks, x, TOP - 8, height - BOTTOM + 2, (t) => `${Math.round(t * 100)}%`, 'top');
  rows.forEach((row, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const muted = row.insufficientSample !== null;
    const cls = `${muted ? ' muted' : ''}${row.highlight ? ' best' : ''}`;
    if (i % 2 === 1) body += svgRect(0, y - ROW / 2, width, ROW, { class: 'band' });
    body += svgText(x0 - 12, y + 4, muted ? `⚠ ${row.label}` : row.label, { class: `row-label${cls}`, 'text-anchor': 'end' });
    const i95 = row.interval;
    if (i95) {
      if (i95.low !== null && i95.high !== null) {
        body += svgLine(x(i95.low), y, x(i95.high), y, { class: `mark interval${cls}` });
        body += svgLine(x(i95.low), y - 6, x(i95.low), y + 6, { class: `mark cap${cls}` });
        body += svgLine(x(i95.high), y - 6, x(i95.high), y + 6, { class: `mark cap${cls}` });
      }
      body += svgCircle(x(i95.estimate), y, 5.5, { class: `mark point${cls}`, ...figureAttrs(row.ref, i95.estimate) });
    }
    body += svgText(x1 + 16, y + 4, row.text, { class: `value${cls}` });
  });
  return svgChart(name, width, height, title, body);
}
