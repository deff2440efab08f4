import type { AnalysisRun } from '../../projections/analysis-input.js';
import { configValue, formatValue, valueIdentity } from './config-keys.js';
import { fDistributionSf } from './stats/f-distribution.js';
import { weightedLeastSquares, type LeastSquaresFit } from './stats/least-squares.js';
import { studentTQuantile } from './stats/student-t-quantile.js';

/** One level's effect on the success rate against the key's reference level, the other keys held fixed. */
export interface LevelEffect {
  readonly level: string;
  /** Difference in success rate (a proportion); null when the data cannot separate this level from other keys' levels. */
  readonly estimate: number | null;
  /** 95% interval from the run-clustered (CR1) standard error and t(runs − parameters). */
  readonly low: number | null;
  readonly high: number | null;
}

export interface KeyTest {
  /** The nested-model F statistic for "this key has no effect", given the others. */
  readonly f: number;
  readonly df1: number;
  readonly df2: number;
  readonly p: number;
}

export interface KeyEffects {
  readonly reference: string;
  readonly effects: readonly LevelEffect[];
  /** null when the model has no residual degrees of freedom left (too few runs for the keys that vary). */
  readonly test: KeyTest | null;
}

/** A level of a set of keys, as a label and a grouping identity. */
export function levelOf(run: AnalysisRun, keys: readonly string[]): { identity: string; label: string } {
  const values = keys.map((key) => configValue(run.config, key));
  return { identity: values.map(valueIdentity).join('\u0000'), label: values.map(formatValue).join(', ') };
}

interface Design {
  readonly rows: Float64Array[];
  /** For each key set, its columns and their level labels; the reference level has no column. */
  readonly sets: ReadonlyArray<{ readonly columns: readonly number[]; readonly levels: readonly string[]; readonly reference: string }>;
}

/** Intercept plus treatment-coded dummies per key set; the reference level is the one with the most runs (ties: first label). */
function designOf(runs: readonly AnalysisRun[], keySets: readonly (readonly string[])[]): Design {
  let width = 1;
  const sets = keySets.map((keys) => {
    const counts = new Map<string, { label: string; runs: number }>();
    for (const run of runs) {
      const { identity, label } = levelOf(run, keys);
      const seen = counts.get(identity) ?? { label, runs: 0 };
      seen.runs += 1;
      counts.set(identity, seen);
    }
    const ordered = [...counts.entries()].sort((a, b) => b[1].runs - a[1].runs || (a[1].label < b[1].label ? -1 : 1));
    const others = ordered.slice(1);
    const columns = others.map((_, i) => width + i);
    width += others.length;
    return {
      keys,
      reference: ordered[0]![1].label,
      identities: others.map(([identity]) => identity),
      levels: others.map(([, v]) => v.label),
      columns,
    };
  });
  const rows = runs.map((run) => {
    const row = new Float64Array(width);
    row[0] = 1;
    for (const set of sets) {
      const at = set.identities.indexOf(levelOf(run, set.keys).identity);
      if (at >= 0) row[set.columns[at]!] = 1;
    }
    return row;
  });
  return { rows, sets };
}

/** CR1 covariance with runs as clusters (one observation each): K/(K − rank) · A⁻¹ (Σ w²e² x x') A⁻¹. */
function clusteredCovarianceDiagonal(fit: LeastSquaresFit, rows: readonly Float64Array[], w: ArrayLike<number>): Float64Array {
  const p = rows[0]!.length;
  const k = rows.length;
  const meat = new Float64Array(p * p);
  rows.forEach((row, i) => {
    const s = w[i]! * fit.residuals[i]!;
    for (let a = 0; a < p; a += 1) for (let b = 0; b < p; b += 1) meat[a * p + b]! += s * s * row[a]! * row[b]!;
  });
  const diagonal = new Float64Array(p);
  for (let j = 0; j < p; j += 1) {
    let sum = 0;
    for (let a = 0; a < p; a += 1)
      for (let b = 0; b < p; b += 1) sum += fit.inverse[j * p + a]! * meat[a * p + b]! * fit.inverse[b * p + j]!;
    diagonal[j] = (k / (k - fit.rank)) * sum;
  }
  return diagonal;
}

/**
 * Every varying key at once: a linear model of the runs' success rates (weighted by their issues)
 * on all keys' levels, so each key's effect is estimated with the others held fixed — a better
 * model run mostly at temperature 0 no longer makes temperature look good. Per key: each level's
 * effect with a run-clustered (CR1) interval, and the nested-model F test of "no effect" (the runs
 * are the observations, so the test's degrees of freedom are runs, not issues).
 */
export function jointModel(runs: readonly AnalysisRun[], keySets: readonly (readonly string[])[]): KeyEffects[] {
  const used = runs.filter((r) => r.issues > 0);
  if (used.length === 0) return [];
  const design = designOf(used, keySets);
  const y = used.map((r) => r.completedIssues / r.issues);
  const w = used.map((r) => r.issues);
  const full = weightedLeastSquares(design.rows, y, w);
  const residualDf = used.length - full.rank;
  const variance = residualDf > 0 ? clusteredCovarianceDiagonal(full, design.rows, w) : null;
  const critical = residualDf > 0 ? studentTQuantile(0.975, residualDf) : null;
  return design.sets.map((set) => {
    const effects = set.columns.map((column, i): LevelEffect => {
      const estimate = full.coefficients[column]!;
      if (Number.isNaN(estimate)) return { level: set.levels[i]!, estimate: null, low: null, high: null };
      const half = variance && critical !== null ? critical * Math.sqrt(variance[column]!) : null;
      return { level: set.levels[i]!, estimate, low: half === null ? null : estimate - half, high: half === null ? null : estimate + half };
    });
    return { reference: set.reference, effects, test: keyTest(design, set.columns, y, w, full, residualDf) };
  });
}

function keyTest(
  design: Design,
  columns: readonly number[],
  y: readonly number[],
  w: readonly number[],
  full: LeastSquaresFit,
  residualDf: number,
): KeyTest | null {
  if (residualDf <= 0 || columns.length === 0) return null;
  const keep = Array.from({ length: design.rows[0]!.length }, (_, j) => j).filter((j) => !columns.includes(j));
  const reduced = weightedLeastSquares(
    design.rows.map((row) => Float64Array.from(keep, (j) => row[j]!)),
    y,
    w,
  );
  const df1 = full.rank - reduced.rank;
  if (df1 <= 0) return null;
  if (full.residualSumOfSquares <= 0) return null;
  const f = (reduced.residualSumOfSquares - full.residualSumOfSquares) / df1 / (full.residualSumOfSquares / residualDf);
  return { f, df1, df2: residualDf, p: fDistributionSf(Math.max(0, f), df1, residualDf) };
}
