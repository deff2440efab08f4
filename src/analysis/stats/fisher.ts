/** log(k!) for k = 0..n, exact to double precision (cumulative sums of logs). */
function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let k = 2; k <= n; k += 1) table[k] = table[k - 1]! + Math.log(k);
  return table;
}

/**
 * Fisher's exact test for a 2×2 table [[a, b], [c, d]] (rows: groups; columns: success, failure),
 * two-sided: the sum of the hypergeometric probabilities of every table with the same margins that
 * is no more likely than the observed one (the convention of R's fisher.test, with its relative
 * tolerance of 1e-7 for ties). Fisher's tea-tasting table [[3, 1], [1, 3]] gives p = 0.4857.
 */
export function fisherExactTwoSided(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  if (n === 0) return 1;
  const lf = logFactorials(n);
  const logP = (x: number): number =>
    lf[row1]! + lf[n - row1]! + lf[col1]! + lf[n - col1]! - lf[n]! - lf[x]! - lf[row1 - x]! - lf[col1 - x]! - lf[n - row1 - col1 + x]!;
  const observed = logP(a);
  const lowest = Math.max(0, row1 + col1 - n);
  const highest = Math.min(row1, col1);
  let p = 0;
  for (let x = lowest; x <= highest; x += 1) {
    const lp = logP(x);
    if (lp <= observed + Math.log1p(1e-7)) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
