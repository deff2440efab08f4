/**
 * Draws from the normal, gamma and beta distributions out of a uniform PRNG (mulberry32), for the
 * posterior draws of `suggest`: seeded, so the same seed gives the same draws.
 */

/** Standard normal draws by the Box–Muller transform (Box & Muller 1958), two per pair of uniforms. */
export function normalDraws(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const u1 = 1 - uniform(); // in (0, 1]: log(u1) is finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
}

/**
 * Gamma(shape, 1) draws by Marsaglia & Tsang ("A simple method for generating gamma variables",
 * ACM TOMS 26, 2000): a squeeze-accepted transform of one normal, about 1.03 tries per draw; for
 * shape < 1 the boost Gamma(shape + 1)·U^(1/shape) of the same paper.
 */
export function gammaDraw(shape: number, uniform: () => number, normal: () => number): number {
  if (shape < 1) return gammaDraw(shape + 1, uniform, normal) * Math.pow(1 - uniform(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) of two gamma draws. */
export function betaDraw(a: number, b: number, uniform: () => number, normal: () => number): number {
  const x = gammaDraw(a, uniform, normal);
  const y = gammaDraw(b, uniform, normal);
  return x + y === 0 ? a / (a + b) : x / (x + y);
}

/** Successes of n Bernoulli(p) trials, one uniform each (n is a run's issues: tens, not millions). */
export function binomialDraw(n: number, p: number, uniform: () => number): number {
  let k = 0;
  for (let i = 0; i < n; i += 1) if (uniform() < p) k += 1;
  return k;
}
