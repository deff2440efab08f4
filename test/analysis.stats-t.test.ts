import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  incompleteBetaTails,
  logGamma,
  normalCdf,
  normalQuantile,
  normalTails,
  normalUpperTail,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTails,
  studentTUpperTail,
  twoSidedNormalP,
  twoSidedTP,
} from '../src/analysis/index.js';
import { relativeError, runPython, worst } from './helpers/scipy.js';

/**
 * Student's t, the normal distribution, the incomplete beta and log Γ, checked against scipy
 * computed live by Debian's python3 (scripts/ensure-binaries.sh installs python3-scipy): one Python
 * call per family of values, over grids that include extreme tails (p-values down to 1e-300) and
 * non-integer degrees of freedom (Satterthwaite's).
 *
 * scipy here is Debian's 1.10, whose t.cdf and t.sf agree with ours to about 2e-13 but whose t.ppf
 * (Cephes' stdtrit) is off by up to 4.6e-9 relative (ν = 1: 12.706204736432 for p = 0.975, where
 * tan(0.475π) = 12.706204736174707). So the quantile is checked three ways: against t.ppf within
 * scipy's own error, by putting it back through scipy's accurate t.sf (the error in t that remains,
 * (sf(t) − q)/pdf(t), must be below 1e-9·max(1, |t|)), and against the closed forms for ν = 1 and 2.
 */

const DFS = [0.5, 0.7, 1, 2, 2.5, 3, 5, 9.3, 30, 1000, 1e5, 1e6];
const T_VALUES = [0, 1e-8, 0.01, 0.3, 1, 1.5, 1.96, 2, 3, 5, 8, 12, 20, 37, 50, 100, 1e3, 1e5, 1e8];
const P_VALUES = [
  1e-12,
  1e-8,
  1e-6,
  1e-4,
  1e-3,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.4,
  0.4999,
  0.5,
  0.5001,
  0.6,
  0.75,
  0.9,
  0.95,
  0.975,
  0.99,
  0.999,
  0.9999,
  1 - 1e-6,
];

interface TailRow {
  readonly t: number;
  readonly df: number;
  readonly cdf: number;
  readonly sf: number;
  readonly twoSided: number;
}

interface QuantileRow {
  readonly p: number;
  readonly df: number;
  /** ours */
  readonly t: number;
  /** scipy.stats.t.ppf */
  readonly ppf: number;
  /** (scipy.stats.t.sf(|t|) − min(p, 1 − p)) / scipy.stats.t.pdf(t): the error left in our t */
  readonly residual: number;
}

describe("Student's t distribution against scipy.stats.t", () => {
  let tails: TailRow[];
  let quantiles: QuantileRow[];

  beforeAll(() => {
    const points = DFS.flatMap((df) => T_VALUES.flatMap((t) => [t, -t]).map((t) => ({ t, df })));
    tails = runPython<Array<{ cdf: number; sf: number; twoSided: number }>>(
      `from scipy import stats
done([{'cdf': stats.t.cdf(p['t'], p['df']), 'sf': stats.t.sf(p['t'], p['df']), 'twoSided': 2 * stats.t.sf(abs(p['t']), p['df'])} for p in data])`,
      points,
    ).map((r, i) => ({ ...points[i]!, ...r }));
    const ours = [...DFS, Number.POSITIVE_INFINITY].flatMap((df) => P_VALUES.map((p) => ({ p, df, t: studentTQuantile(p, df) })));
    quantiles = runPython<Array<{ ppf: number; residual: number }>>(
      `from scipy import stats
out = []
for r in data:
    dist = stats.norm if math.isinf(r['df']) else stats.t(r['df'])
    q = min(r['p'], 1 - r['p'])
    out.append({'ppf': dist.ppf(r['p']), 'residual': (dist.sf(abs(r['t'])) - q) / dist.pdf(r['t'])})
done(out)`,
      ours,
    ).map((r, i) => ({ ...ours[i]!, ...r }));
  });

  it('gives the CDF and the upper tail to 1e-12 relative, tails down to 1e-300 included', () => {
    expect(tails).toHaveLength(DFS.length * T_VALUES.length * 2);
    const cdf = worst(
      tails.filter((r) => r.cdf > 1e-300),
      (r) => relativeError(studentTCdf(r.t, r.df), r.cdf),
    );
    const sf = worst(
      tails.filter((r) => r.sf > 1e-300),
      (r) => relativeError(studentTUpperTail(r.t, r.df), r.sf),
    );
    expect(cdf.error, JSON.stringify(cdf.at)).toBeLessThan(1e-12);
    expect(sf.error, JSON.stringify(sf.at)).toBeLessThan(1e-12);
    // the grid reaches real tails: P(T > 37) for ν = 1e5 is 6.0e-298; P(T > 1e8) for ν = 5 is
    // 9.490167245562351e-40 (mpmath, 60 digits)
    expect(tails.some((r) => r.sf < 1e-290 && r.sf > 1e-300)).toBe(true);
    expect(relativeError(studentTUpperTail(1e8, 5), 9.490167245562351e-40)).toBeLessThan(1e-13);
  });

  it('computes the small tail directly: P(T > 8) for ν = 1e6 keeps its digits where 1 − CDF gives 6.7e-16 of noise', () => {
    const row = tails.find((r) => r.t === 8 && r.df === 1e6)!;
    expect(row.sf).toBeLessThan(1e-15);
    expect(relativeError(studentTUpperTail(8, 1e6), row.sf)).toBeLessThan(1e-12);
    expect(relativeError(1 - studentTCdf(8, 1e6), row.sf)).toBeGreaterThan(1e-3);
  });

  it('gives two-sided p-values 2·P(T > |t|) to 1e-12 relative, and at most 1', () => {
    const found = worst(
      tails.filter((r) => r.twoSided > 1e-300),
      (r) => relativeError(twoSidedTP(r.t, r.df), Math.min(1, r.twoSided)),
    );
    expect(found.error, JSON.stringify(found.at)).toBeLessThan(1e-12);
    expect(twoSidedTP(0, 3)).toBe(1);
    expect(twoSidedTP(-2.5, 9.3)).toBe(twoSidedTP(2.5, 9.3));
  });

  it('gives quantiles whose remaining error, measured through scipy.stats.t.sf, is below 1e-9 (p from 1e-12, ν from 0.5 to ∞)', () => {
    const found = worst(
      quantiles.filter((r) => r.p !== 0.5),
      (r) => Math.abs(r.residual) / Math.max(1, Math.abs(r.t)),
    );
    expect(found.error, JSON.stringify(found.at)).toBeLessThan(1e-9);
    for (const r of quantiles) expect(Math.sign(r.t), `p=${r.p} ν=${r.df}`).toBe(Math.sign(r.p - 0.5));
  });

  it('agrees with scipy.stats.t.ppf within the 4.6e-9 relative error of Debian scipy 1.10 (1e-13 for ν = ∞)', () => {
    const finite = worst(
      quantiles.filter((r) => Number.isFinite(r.df)),
      (r) => Math.abs(r.t - r.ppf) / Math.max(1, Math.abs(r.ppf)),
    );
    expect(finite.error, JSON.stringify(finite.at)).toBeLessThan(1e-8);
    const normal = worst(
      quantiles.filter((r) => !Number.isFinite(r.df)),
      (r) => Math.abs(r.t - r.ppf) / Math.max(1, Math.abs(r.ppf)),
    );
    expect(normal.error, JSON.stringify(normal.at)).toBeLessThan(1e-13);
    // the textbook values: t(0.975; 1) = 12.7062, t(0.975; 30) = 2.0423, z(0.975) = 1.96
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062047361747, 12);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0422724563012373, 12);
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959963984540054, 14);
  });

  it('matches the closed forms for ν = 1 (tan(π(p − ½))) and ν = 2 ((2p − 1)/√(2p(1 − p))) to 1e-13', () => {
    const exact = runPython<Array<{ p: number; one: number; two: number }>>(
      `def cauchy(p):
    # tan(π(p − ½)) with p − ½ exact near the centre; cot(πp) = 1/tan(πp) in the tails
    if 0.25 <= p <= 0.75: return math.tan(math.pi * (p - 0.5))
    return -1 / math.tan(math.pi * p) if p < 0.5 else 1 / math.tan(math.pi * (1 - p))
done([{'p': p, 'one': cauchy(p), 'two': (2 * p - 1) / math.sqrt(2 * p * (1 - p))} for p in data])`,
      P_VALUES.filter((p) => p !== 0.5),
    );
    // relative in the tails; near p = ½ the CDF's own rounding (1.1e-16 at 0.5) limits t to about 1e-16
    const error = (got: number, expected: number): number => Math.abs(got - expected) / Math.max(1, Math.abs(expected));
    const one = worst(exact, (r) => error(studentTQuantile(r.p, 1), r.one));
    const two = worst(exact, (r) => error(studentTQuantile(r.p, 2), r.two));
    expect(one.error, JSON.stringify(one.at)).toBeLessThan(1e-13);
    expect(two.error, JSON.stringify(two.at)).toBeLessThan(1e-13);
  });

  it('gives the normal distribution for ν = Infinity, and approaches it for large ν', () => {
    for (const t of [-5, -1.5, 0, 0.7, 3]) expect(studentTCdf(t, Number.POSITIVE_INFINITY)).toBe(normalCdf(t));
    expect(Math.abs(studentTCdf(2, 1e6) - normalCdf(2))).toBeLessThan(1e-6);
    expect(Math.abs(studentTQuantile(0.975, 1e6) - 1.959963984540054)).toBeLessThan(1e-5);
  });

  it('handles the edges: 0, ±Infinity, p = 0 and 1, invalid ν', () => {
    expect(studentTTails(0, 4)).toEqual({ lower: 0.5, upper: 0.5 });
    expect(studentTTails(Number.POSITIVE_INFINITY, 4)).toEqual({ lower: 1, upper: 0 });
    expect(studentTTails(Number.NEGATIVE_INFINITY, 0.5)).toEqual({ lower: 0, upper: 1 });
    expect(studentTQuantile(0, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(studentTQuantile(1, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    // beyond the doubles: for ν = 0.5 the 1e-300 quantile is about −1e600
    expect(studentTQuantile(1e-300, 0.5)).toBe(Number.NEGATIVE_INFINITY);
    // t² overflows but the tail does not: P(T > 1e200) for ν = 1 is 1/(π·1e200)
    expect(relativeError(studentTUpperTail(1e200, 1), 1 / (Math.PI * 1e200))).toBeLessThan(1e-14);
    for (const df of [0, -1, Number.NaN]) expect(studentTCdf(1, df)).toBeNaN();
    expect(studentTQuantile(1.5, 3)).toBeNaN();
    expect(studentTQuantile(0.3, 0)).toBeNaN();
  });

  it('inverts its own CDF and tail: quantile(P(T ≤ t)) = t (property, ν from 0.5 to 1e6)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (df, t) => {
        const tails = studentTTails(t, df);
        if (Math.min(tails.lower, tails.upper) < 1e-300) return;
        // invert on the side whose probability carries the digits
        const back = t <= 0 ? studentTQuantile(tails.lower, df) : -studentTQuantile(tails.upper, df);
        expect(Math.abs(back - t), `t=${t} ν=${df}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(t)));
        expect(Math.abs(tails.lower + tails.upper - 1)).toBeLessThan(1e-15);
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });

  it('is monotone: the CDF in t and the quantile in p, on a grid for each ν', () => {
    const ts = Array.from({ length: 401 }, (_, i) => Math.sinh((i - 200) / 20));
    const ps = Array.from({ length: 399 }, (_, i) => (i + 1) / 400);
    for (const df of [0.5, 0.7, 2.5, 9.3, 1000, 1e6, Number.POSITIVE_INFINITY]) {
      const cdf = ts.map((t) => studentTCdf(t, df));
      const quantile = ps.map((p) => studentTQuantile(p, df));
      for (let i = 1; i < ts.length; i += 1) expect(cdf[i]!, `ν=${df} t=${ts[i]}`).toBeGreaterThanOrEqual(cdf[i - 1]!);
      for (let i = 1; i < ps.length; i += 1) expect(quantile[i]!, `ν=${df} p=${ps[i]}`).toBeGreaterThan(quantile[i - 1]!);
    }
  });
});

describe('the standard normal distribution against scipy.stats.norm', () => {
  const zs = [
    -40, -38, -37.5, -30, -20, -10, -8.3, -6, -5.66, -3, -1.96, -1, -0.67, -0.3, 0, 1e-10, 0.5, 0.6745, 1, 2.5, 5.6, 7, 9, 20, 37,
  ];
  const ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-6, 0.001, 0.025, 0.075, 0.2, 0.4999, 0.5, 0.6, 0.925, 0.975, 0.999, 1 - 1e-10];

  it('gives Φ(z) and 1 − Φ(z) to 2e-13 relative, each tail computed directly', () => {
    const expected = runPython<Array<{ cdf: number; sf: number }>>(
      `from scipy import stats
done([{'cdf': stats.norm.cdf(z), 'sf': stats.norm.sf(z)} for z in data])`,
      zs,
    );
    const rows = zs.map((z, i) => ({ z, ...expected[i]! }));
    const cdf = worst(
      rows.filter((r) => r.cdf > 1e-300),
      (r) => relativeError(normalCdf(r.z), r.cdf),
    );
    const sf = worst(
      rows.filter((r) => r.sf > 1e-300),
      (r) => relativeError(normalUpperTail(r.z), r.sf),
    );
    // scipy 1.10's ndtr (Cephes erfc) is the looser one far out: P(Z > 37) is 5.7255712225245768e-300
    // by mpmath, 5.725571222524577e-300 here and 5.7255712225239266e-300 (1.1e-13 off) by scipy.
    expect(cdf.error, JSON.stringify(cdf.at)).toBeLessThan(2e-13);
    expect(sf.error, JSON.stringify(sf.at)).toBeLessThan(2e-13);
    // eslint-disable-next-line no-loss-of-precision -- mpmath's value as printed, 17 digits
    expect(relativeError(normalUpperTail(37), 5.7255712225245768e-300)).toBeLessThan(1e-15);
    const two = worst(
      rows.filter((r) => r.sf > 1e-300 && r.z > 0),
      (r) => relativeError(twoSidedNormalP(-r.z), 2 * r.sf),
    );
    expect(two.error, JSON.stringify(two.at)).toBeLessThan(2e-13);
    expect(normalTails(Number.NaN).lower).toBeNaN();
    expect(normalTails(1e308)).toEqual({ lower: 1, upper: 0 });
  });

  it('gives Φ⁻¹(p) (Wichura AS 241) to 1e-14 relative against scipy.stats.norm.ppf', () => {
    const expected = runPython<number[]>(`from scipy import stats\ndone([stats.norm.ppf(p) for p in data])`, ps);
    const found = worst(
      ps.map((p, i) => ({ p, ppf: expected[i]! })),
      (r) => Math.abs(normalQuantile(r.p) - r.ppf) / Math.max(1, Math.abs(r.ppf)),
    );
    expect(found.error, JSON.stringify(found.at)).toBeLessThan(1e-14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 15);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
  });
});

describe('the regularized incomplete beta function and log Γ against scipy.special', () => {
  // dyadic x, so that y = 1 − x is exact and both sides evaluate the same function
  const XS = [2 ** -20, 2 ** -7, 0.125, 0.3125, 0.5, 0.6875, 0.875, 1 - 2 ** -10];

  it("gives I_x(a, b) and its complement within scipy.special.betainc's own error (shapes from 0.3 to 10,000)", () => {
    const shapes = [0.3, 0.5, 1, 2.5, 10, 100, 1e4];
    const points = shapes.flatMap((a) => shapes.flatMap((b) => XS.map((x) => ({ a, b, x, y: 1 - x }))));
    // the complement is I_y(b, a), which scipy computes directly (scipy 1.10 has no betaincc)
    const expected = runPython<Array<{ lower: number; upper: number }>>(
      `from scipy import special
done([{'lower': special.betainc(p['a'], p['b'], p['x']), 'upper': special.betainc(p['b'], p['a'], p['y'])} for p in data])`,
      points,
    );
    const rows = points.map((p, i) => ({ ...p, ...expected[i]!, ours: incompleteBetaTails(p.x, p.y, p.a, p.b) }));
    // Cephes' incbet in Debian's scipy 1.10 is itself off by up to 2e-11 for a shape of 10,000:
    // I(0.9990234375; 10000, 10) is 0.48640307591280539 by mpmath (60 digits), 0.4864030759128056
    // here, 0.4864030759222323 by scipy. So the bound here is 5e-11; the exact sums below hold us
    // to 5e-13.
    const lower = worst(
      rows.filter((r) => r.lower > 1e-300),
      (r) => relativeError(r.ours.lower, r.lower),
    );
    const upper = worst(
      rows.filter((r) => r.upper > 1e-300),
      (r) => relativeError(r.ours.upper, r.upper),
    );
    expect(lower.error, JSON.stringify(lower.at)).toBeLessThan(5e-11);
    expect(upper.error, JSON.stringify(upper.at)).toBeLessThan(5e-11);
    expect(rows.filter((r) => Math.min(r.lower, r.upper) < 1e-100 && Math.min(r.lower, r.upper) > 1e-300).length).toBeGreaterThan(5);
    expect(regularizedIncompleteBeta(0.3125, 2.5, 10)).toBe(rows.find((r) => r.a === 2.5 && r.b === 10 && r.x === 0.3125)!.ours.lower);
  });

  it('gives I_x(a, b) and its complement to 5e-13 relative against exact binomial sums for whole a and b', () => {
    // For whole a and b, I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a): summed in python's decimal with
    // 60 digits, both tails from their own terms, nothing subtracted.
    const shapes = [1, 2, 7, 30, 200, 3000];
    const points = shapes.flatMap((a) => shapes.flatMap((b) => XS.map((x) => ({ a, b, x }))));
    const expected = runPython<Array<{ lower: number; upper: number }>>(
      `from decimal import Decimal, getcontext
getcontext().prec = 60
cache = {}
def terms(n, x):
    # C(n, j)·x^j·y^(n−j) for j = 0..n, each from the one before
    if (n, x) not in cache:
        xd = Decimal(x); yd = 1 - xd
        term = yd ** n; out = [term]
        for j in range(n):
            term = term * (n - j) / (j + 1) * xd / yd
            out.append(term)
        cache[(n, x)] = out
    return cache[(n, x)]
def tails(a, b, x):
    t = terms(a + b - 1, x)
    return {'lower': float(sum(t[a:])), 'upper': float(sum(t[:a]))}
done([tails(p['a'], p['b'], p['x']) for p in data])`,
      points,
    );
    const rows = points.map((p, i) => ({ ...p, ...expected[i]!, ours: incompleteBetaTails(p.x, 1 - p.x, p.a, p.b) }));
    // a tail of 1e-200 is exp(−460): the rounding of its logarithm alone is about 1e-13 of it
    const lower = worst(
      rows.filter((r) => r.lower > 1e-300),
      (r) => relativeError(r.ours.lower, r.lower),
    );
    const upper = worst(
      rows.filter((r) => r.upper > 1e-300),
      (r) => relativeError(r.ours.upper, r.upper),
    );
    expect(lower.error, JSON.stringify(lower.at)).toBeLessThan(5e-13);
    expect(upper.error, JSON.stringify(upper.at)).toBeLessThan(5e-13);
    expect(rows.filter((r) => r.lower < 1e-100 && r.lower > 1e-300).length).toBeGreaterThan(3);
  });

  it('gives I_x(a, b) = x^a for b = 1 and 1 − (1 − x)^b for a = 1 (closed forms)', () => {
    for (const x of [0.001, 0.2, 0.5, 0.93]) {
      for (const s of [0.5, 3, 17.5]) {
        expect(relativeError(regularizedIncompleteBeta(x, s, 1), x ** s)).toBeLessThan(1e-14);
        expect(relativeError(regularizedIncompleteBeta(x, 1, s), -Math.expm1(s * Math.log1p(-x)))).toBeLessThan(1e-14);
      }
    }
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(regularizedIncompleteBeta(0.5, 0, 3)).toBeNaN();
    expect(regularizedIncompleteBeta(1.5, 2, 3)).toBeNaN();
  });

  it('gives log Γ(x) to 1e-14·max(1, |log Γ(x)|) against scipy.special.gammaln', () => {
    const xs = [1e-8, 0.01, 0.1, 0.5, 1, 1.28, 1.5, 2, 2.5, 3.7, 10, 15.5, 100, 1234.5, 1e6];
    const expected = runPython<number[]>(`from scipy import special\ndone([special.gammaln(x) for x in data])`, xs);
    const found = worst(
      xs.map((x, i) => ({ x, e: expected[i]! })),
      (r) => Math.abs(logGamma(r.x) - r.e) / Math.max(1, Math.abs(r.e)),
    );
    expect(found.error, JSON.stringify(found.at)).toBeLessThan(1e-14);
    expect(logGamma(0)).toBeNaN();
  });
});
