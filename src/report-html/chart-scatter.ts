import { figureAttrs, type FigureRef } from './figure-markup.js';
import { linearScale, logScale, niceDomain, usdTick, type Scale } from './scale.js';
import { svgChart, svgCircle, svgText, textWidth, xGrid, yGrid } from './svg.js';

export interface ScatterPoint {
  readonly label: string;
  /** Cost per successful issue, USD. */
  readonly cost: number;
  /** Issue success rate, [0, 1]. */
  readonly success: number;
  readonly onParetoFront: boolean;
  /** The group's place in the ranking: shown instead of the name where the name does not fit. */
  readonly rank: number;
  readonly insufficientSample: string | null;
  readonly successRef: FigureRef;
}

const W = 760;
const H = 400;
const LEFT = 58;
const RIGHT = 24;
const TOP = 18;
const BOTTOM = 48;

/**
 * Cost per successful issue (x, log scale when the costs span more than a factor of 5) against
 * issue success rate (y). Points on the Pareto front (on success, cost and duration: it need not
 * look like a front in these two dimensions) are filled and ringed; the rest are hollow, and groups
 * with too little data are drawn in the warning colour with ⚠.
 */
// eslint-disable-next-line complexity -- axes, ticks and points in three styles (front, other, too little data), in one pass
export function scatterChart(name: string, title: string, points: readonly ScatterPoint[]): string {
  const costs = points.map((p) => p.cost);
  const minCost = Math.min(...costs);
  const maxCost = Math.max(...costs);
  const x0 = LEFT;
  const x1 = W - RIGHT;
  const y0 = H - BOTTOM;
  const y1 = TOP;
  let x: Scale;
  if (minCost > 0 && maxCost / minCost > 5) {
    x = logScale(minCost / 1.35, maxCost * 1.35, x0, x1);
  } else {
    const d = niceDomain(Math.max(0, minCost - (maxCost - minCost) * 0.15), maxCost + (maxCost - minCost) * 0.15, 6);
    x = linearScale(d.min, d.max, x0, x1, d.ticks);
  }
  const rates = points.map((p) => p.success);
  const yd = niceDomain(Math.max(0, Math.min(...rates) - 0.08), Math.min(1, Math.max(...rates) + 0.08), 5);
  const y = linearScale(yd.min, yd.max, y0, y1, yd.ticks);

  let body = yGrid(yd.ticks, y, x0, x1, (t) => `${Math.round(t * 100)}%`);
  body += xGrid(x.ticks, x, y1, y0, usdTick, 'bottom');
  body += svgText((x0 + x1) / 2, H - 8, `cost per successful issue${x.log ? ' (log scale)' : ''} →`, {
    class: 'axis-title',
    'text-anchor': 'middle',
  });
  body += svgText(14, (y0 + y1) / 2, 'issue success rate →', {
    class: 'axis-title',
    'text-anchor': 'middle',
    transform: `rotate(-90 14 ${(y0 + y1) / 2})`,
  });

  // Points first, every one of them: labels must not hide a point.
  const placedPoints = points.map((p) => ({ p, cx: x(p.cost), cy: y(p.success) }));
  const reach = (p: ScatterPoint): number => (p.onParetoFront ? 12 : 7);
  const boxes: Box[] = placedPoints.map(({ p, cx, cy }) => ({
    left: cx - reach(p),
    right: cx + reach(p),
    top: cy - reach(p),
    bottom: cy + reach(p),
  }));
  const ordered = [...placedPoints].sort((a, b) => Number(b.p.onParetoFront) - Number(a.p.onParetoFront) || a.p.rank - b.p.rank);
  for (const { p, cx, cy } of ordered) {
    const muted = p.insufficientSample !== null;
    const cls = `${p.onParetoFront ? ' front' : ' other'}${muted ? ' muted' : ''}`;
    if (p.onParetoFront) body += svgCircle(cx, cy, 11, { class: 'mark front-ring' });
    body += svgCircle(cx, cy, p.onParetoFront ? 6.5 : 5.5, {
      class: `mark point${cls}`,
      ...figureAttrs(p.successRef, p.success),
      'data-cost': String(p.cost),
    });
  }
  // Then labels, the front first: the full name where it fits without covering a point or another
  // label, else the group's rank (the # of the ranking table), which nearly always fits.
  for (const { p, cx, cy } of ordered) {
    const muted = p.insufficientSample !== null;
    const cls = `${p.onParetoFront ? ' front' : ' other'}${muted ? ' muted' : ''}`;
    const full = muted ? `⚠ ${p.label}` : p.label;
    const fullWidth = textWidth(full, 12) * (p.onParetoFront ? 1.1 : 1) + 2;
    const rankText = `${muted ? '⚠' : ''}${p.rank}`;
    const spot = freeSpot(cx, cy, reach(p), fullWidth, boxes, x0, W - 2, 4, y0);
    if (spot) {
      boxes.push(spot.box);
      body += svgText(spot.x, spot.y, full, { class: `point-label${cls}` });
    } else {
      const short = freeSpot(cx, cy, reach(p), textWidth(rankText, 11) + 2, boxes, x0, W - 2, 4, y0) ?? {
        x: cx + reach(p),
        y: cy - reach(p),
        box: { left: cx, right: cx, top: cy, bottom: cy },
      };
      boxes.push(short.box);
      body += svgText(short.x, short.y, rankText, { class: `point-label rank${cls}` });
    }
  }
  return svgChart(name, W, H, title, body);
}

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const overlaps = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * The first place around a point (at cx, cy, drawn `reach` wide each way) where a label `width`
 * wide fits inside the plot and clear of `taken`: right, left, above, below, then the corners.
 */
function freeSpot(
  cx: number,
  cy: number,
  reach: number,
  width: number,
  taken: readonly Box[],
  left: number,
  right: number,
  top: number,
  bottom: number,
): { x: number; y: number; box: Box } | null {
  const gap = reach + 3;
  const candidates: Array<[number, number]> = [
    [cx + gap, cy + 4],
    [cx - gap - width, cy + 4],
    [cx - width / 2, cy - gap - 1],
    [cx - width / 2, cy + gap + 11],
    [cx + gap - 2, cy - gap + 1],
    [cx + gap - 2, cy + gap + 8],
    [cx - gap + 2 - width, cy - gap + 1],
    [cx - gap + 2 - width, cy + gap + 8],
  ];
  for (const [lx, ly] of candidates) {
    const box = { left: lx, right: lx + width, top: ly - 11, bottom: ly + 3 };
    if (box.left < left || box.right > right || box.top < top || box.bottom > bottom) continue;
    if (!taken.some((t) => overlaps(t, box))) return { x: lx, y: ly, box };
  }
  return null;
}
