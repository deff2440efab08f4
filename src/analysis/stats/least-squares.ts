/**
 * Weighted least squares for the small models influence.ts fits (a few dozen columns at most):
 * β = (X'WX)⁻¹X'Wy by Gauss–Jordan elimination with partial pivoting. Columns that are linear
 * combinations of earlier ones (a level that never occurs apart from another key's level) get no
 * coefficient and are reported as dropped rather than making the fit fail.
 */
export interface LeastSquaresFit {
  /** One per column of X; NaN for a dropped column. */
  readonly coefficients: Float64Array;
  /** (X'WX)⁻¹ restricted to the kept columns (zero rows and columns for dropped ones), row-major p×p. */
  readonly inverse: Float64Array;
  readonly dropped: readonly number[];
  /** Columns kept: the model's rank. */
  readonly rank: number;
  /** Σ w·(y − Xβ)². */
  readonly residualSumOfSquares: number;
  readonly residuals: Float64Array;
}

const PIVOT_TOLERANCE = 1e-10;

export function weightedLeastSquares(x: readonly Float64Array[], y: ArrayLike<number>, w: ArrayLike<number>): LeastSquaresFit {
  const p = x[0]?.length ?? 0;
  const { a, b } = normalEquations(x, y, w, p);
  const { inverse, dropped } = gaussJordan(a, b, p);
  const coefficients = Float64Array.from(b, (value, j) => (dropped.includes(j) ? Number.NaN : value));
  const residuals = Float64Array.from(x, (row, i) => y[i]! - fittedValue(row, coefficients));
  let residualSumOfSquares = 0;
  for (let i = 0; i < x.length; i += 1) residualSumOfSquares += w[i]! * residuals[i]! * residuals[i]!;
  return { coefficients, inverse, dropped, rank: p - dropped.length, residualSumOfSquares, residuals };
}

/** X'WX (row-major p×p) and X'Wy. */
function normalEquations(
  x: readonly Float64Array[],
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  p: number,
): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  x.forEach((row, i) => {
    for (let j = 0; j < p; j += 1) {
      b[j]! += w[i]! * row[j]! * y[i]!;
      for (let k = 0; k < p; k += 1) a[j * p + k]! += w[i]! * row[j]! * row[k]!;
    }
  });
  return { a, b };
}

/**
 * Reduces [a | b | I] in place to [I | β | a⁻¹] over the columns that add something; the others
 * are dropped (zero rows and columns in the inverse, their β left for the caller to mark).
 */
function gaussJordan(a: Float64Array, b: Float64Array, p: number): { inverse: Float64Array; dropped: number[] } {
  const scale = Math.max(1e-300, ...Array.from({ length: p }, (_, j) => Math.abs(a[j * p + j]!)));
  const inverse = new Float64Array(p * p);
  for (let j = 0; j < p; j += 1) inverse[j * p + j] = 1;
  const dropped: number[] = [];
  for (let col = 0; col < p; col += 1) {
    // X'WX is symmetric positive semi-definite: pivot on the diagonal, which after the earlier
    // columns' elimination is what this column adds beyond them — about 0 when it adds nothing.
    if (Math.abs(a[col * p + col]!) <= PIVOT_TOLERANCE * scale) dropped.push(col);
    else eliminate(a, b, inverse, p, col);
  }
  for (const d of dropped) {
    for (let k = 0; k < p; k += 1) {
      inverse[d * p + k] = 0;
      inverse[k * p + d] = 0;
    }
  }
  return { inverse, dropped };
}

/** One Gauss–Jordan step: scale the pivot row to 1 at `col`, then clear `col` from every other row. */
function eliminate(a: Float64Array, b: Float64Array, inverse: Float64Array, p: number, col: number): void {
  const pivot = a[col * p + col]!;
  for (let k = 0; k < p; k += 1) {
    a[col * p + k]! /= pivot;
    inverse[col * p + k]! /= pivot;
  }
  b[col]! /= pivot;
  for (let r = 0; r < p; r += 1) {
    const factor = a[r * p + col]!;
    if (r === col || factor === 0) continue;
    for (let k = 0; k < p; k += 1) {
      a[r * p + k]! -= factor * a[col * p + k]!;
      inverse[r * p + k]! -= factor * inverse[col * p + k]!;
    }
    b[r]! -= factor * b[col]!;
  }
}

/** x·β over the kept columns (a dropped column's β is NaN and counts as 0). */
function fittedValue(row: Float64Array, coefficients: Float64Array): number {
  let fitted = 0;
  for (let j = 0; j < row.length; j += 1) if (!Number.isNaN(coefficients[j]!)) fitted += row[j]! * coefficients[j]!;
  return fitted;
}
