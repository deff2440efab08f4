import type { ComparisonLegs } from './interleave.js';
import { linesPerSecond, microsPerLine, type LegResult } from './leg.js';
import { median } from './stats.js';

export interface Target {
  /** What the target is checked against: the collector/baseline ratio, or the value itself. */
  readonly of: 'ratio' | 'value';
  readonly comparison: '>=' | '<';
  readonly threshold: number;
}

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: { readonly name: string; readonly value: number; readonly unit: string };
  /** Median collector value / median baseline value. */
  readonly ratio: number;
  readonly target: Target;
  readonly pass: boolean;
  readonly lineBytes: { readonly baseline: number; readonly collectorMedian: number };
  /** Per round, in order; `medianRatio` pairs each round's legs, a check on `ratio`. */
  readonly rounds: { readonly values: number[]; readonly baselineValues: number[]; readonly ratios: number[]; readonly medianRatio: number };
}

export interface FigureSpec {
  readonly name: string;
  readonly baselineName: string;
  readonly unit: 'lines/s' | 'µs/call';
  readonly target: Target;
}

export function buildFigure(spec: FigureSpec, legs: ComparisonLegs, baselineLineBytes: number): Figure {
  const measure = (leg: LegResult): number => (spec.unit === 'lines/s' ? linesPerSecond(leg) : microsPerLine(leg));
  const values = legs.collector.map(measure);
  const baselineValues = legs.baseline.map(measure);
  const value = median(values);
  const baseline = median(baselineValues);
  const ratio = value / baseline;
  const ratios = values.map((v, i) => v / baselineValues[i]!);
  const checked = spec.target.of === 'ratio' ? ratio : value;
  const pass = spec.target.comparison === '>=' ? checked >= spec.target.threshold : checked < spec.target.threshold;
  return {
    name: spec.name,
    value,
    unit: spec.unit,
    baseline: { name: spec.baselineName, value: baseline, unit: spec.unit },
    ratio,
    target: spec.target,
    pass,
    lineBytes: { baseline: baselineLineBytes, collectorMedian: median(legs.collector.map((leg) => leg.lineBytes)) },
    rounds: { values, baselineValues, ratios, medianRatio: median(ratios) },
  };
}
