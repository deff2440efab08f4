import type { ComparisonLegs } from './interleave.js';
import { linesPerSecond, microsPerLine, type LegResult } from './leg.js';
import { median } from './stats.js';

export interface Target {
  /** What the target is checked against: the collector/baseline ratio, or the value itself. */
  readonly of: 'ratio' | 'value';
  readonly comparison: '>=' | '<' | '<=';
  readonly threshold: number;
}

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: { readonly name: string; readonly value: number; readonly unit: string };
  /** Median value / median baseline value ("collector" and "value" mean runledger's side of any figure). */
  readonly ratio: number;
  readonly target: Target;
  readonly pass: boolean;
  /** How the figure was measured, where its name cannot say it all. */
  readonly note?: string;
  readonly lineBytes: { readonly baseline: number; readonly collectorMedian: number };
  /** Per round, in order; `medianRatio` pairs each round's legs, a check on `ratio`. */
  readonly rounds: {
    readonly values: number[];
    readonly baselineValues: number[];
    readonly ratios: number[];
    readonly medianRatio: number;
  };
}

export interface FigureSpec {
  readonly name: string;
  readonly baselineName: string;
  readonly unit: FigureUnit;
  readonly target: Target;
  readonly note?: string;
}

type FigureUnit = 'lines/s' | 'events/s' | 'spans/s' | 'µs/call' | 'ms' | 'MB';

function measureOf(unit: FigureUnit): (leg: LegResult) => number {
  switch (unit) {
    case 'lines/s':
    case 'events/s':
    case 'spans/s':
      return linesPerSecond;
    case 'µs/call':
      return microsPerLine;
    case 'ms':
      return (leg) => leg.ms;
    case 'MB':
      return (leg) => {
        if (leg.peakRssBytes === undefined) throw new Error('a memory figure needs legs that report their peak RSS');
        return leg.peakRssBytes / 2 ** 20;
      };
  }
}

export function buildFigure(spec: FigureSpec, legs: ComparisonLegs, baselineLineBytes: number): Figure {
  const measure = measureOf(spec.unit);
  const values = legs.collector.map(measure);
  const baselineValues = legs.baseline.map(measure);
  const value = median(values);
  const baseline = median(baselineValues);
  const ratio = value / baseline;
  const ratios = values.map((v, i) => v / baselineValues[i]!);
  const checked = spec.target.of === 'ratio' ? ratio : value;
  const pass =
    spec.target.comparison === '>='
      ? checked >= spec.target.threshold
      : spec.target.comparison === '<='
        ? checked <= spec.target.threshold
        : checked < spec.target.threshold;
  return {
    name: spec.name,
    value,
    unit: spec.unit,
    baseline: { name: spec.baselineName, value: baseline, unit: spec.unit },
    ratio,
    target: spec.target,
    pass,
    ...(spec.note === undefined ? {} : { note: spec.note }),
    lineBytes: { baseline: baselineLineBytes, collectorMedian: median(legs.collector.map((leg) => leg.lineBytes)) },
    rounds: { values, baselineValues, ratios, medianRatio: median(ratios) },
  };
}
