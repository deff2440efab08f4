/** Coefficients B_2k / (2k(2k − 1)) of Stirling's series, k = 1..8. */
const SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * Stirling's error δ(z) = log Γ(z + 1) − [½·log(2πz) + z·log z − z] for real z > 0, the term that
 * makes Loader's saddle-point formulas exact (C. Loader, "Fast and accurate computation of binomial
 * probabilities", 2000). From 8 up the Stirling series Σ B_2k / (2k(2k − 1)·z^(2k−1)) to k = 8 (the
 * next term is below 1e-16 there); below 8 the recurrence δ(z) = δ(z + 1) + (z + ½)·log(1 + 1/z) − 1,
 * which loses no more than an ulp a step, where log Γ(z + 1) − (z + ½)·log z + … would cancel.
 */
export function stirlingError(z: number): number {
  let shift = 0;
  let w = z;
  while (w < 8) {
    shift += (w + 0.5) * Math.log1p(1 / w) - 1;
    w += 1;
  }
  const inverseSquare = 1 / (w * w);
  let sum = 0;
  for (let k = SERIES.length - 1; k >= 0; k -= 1) sum = sum * inverseSquare + SERIES[k]!;
  return shift + sum / w;
}
