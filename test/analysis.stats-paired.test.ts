import { beforeAll, describe, expect, it } from 'vitest';
import { binomialCdf, mcnemarExactP, newcombeDifference, newcombePairedDifference } from '../src/analysis/index.js';
import { relativeError, runPython, worst } from './helpers/scipy.js';

/**
 * The binomial CDF, the exact McNemar test and Newcombe's interval for a paired difference,
 * checked against scipy and statsmodels computed live by Debian's python3
 * (scripts/ensure-binaries.sh installs python3-scipy and python3-statsmodels), against exact sums
 * in python's decimal, against a Python implementation of Newcombe's method 10 written out
 * independently, and against published values.
 */

interface BinomialRow {
  readonly k: number;
  readonly n: number;
  readonly p: number;
  readonly scipy: number;
}

const BINOMIAL_CASES: ReadonlyArray<readonly [number, number]> = [
  [1, 0.5],
  [10, 0.3],
  [37, 0.5],
  [100, 0.01],
  [1000, 0.5],
  [1000, 0.999],
  [20000, 0.2],
  [100000, 0.5],
  [100000, 0.001],
  [100000, 0.9],
];
const FRACTIONS = [0, 0.001, 0.01, 0.1, 0.3, 0.45, 0.5, 0.55, 0.7, 0.9, 0.99, 0.999];

describe('binomial CDF', () => {
  let rows: BinomialRow[];

  beforeAll(() => {
    const points = BINOMIAL_CASES.flatMap(([n, p]) => [...new Set(FRACTIONS.map((f) => Math.round(f * n)))].map((k) => ({ k, n, p })));
    const scipy = runPython<number[]>(`from scipy import stats\ndone([stats.binom.cdf(r['k'], r['n'], r['p']) for r in data])`, points);
    rows = points.map((r, i) => ({ ...r, scipy: scipy[i]! }));
  });

  it('matches scipy.stats.binom.cdf to 1e-12 relative for n up to 100,000, tails down to 1e-300', () => {
    const found = worst(
      rows.filter((r) => r.scipy > 1e-300),
      (r) => relativeError(binomialCdf(r.k, r.n, r.p), r.scipy),
    );
    expect(found.error, JSON.stringify(found.at)).toBeLessThan(1e-12);
    expect(rows.filter((r) => r.scipy < 1e-100 && r.scipy > 1e-300).length).toBeGreaterThan(3);
  });

  it('matches P(X ≤ k) summed term by term in python decimal (60 digits) to 5e-13 relative', () => {
    const points = rows.map(({ k, n, p }) => ({ k, n, p }));
    const exact = runPython<number[]>(
      `from decimal import Decimal, getcontext
getcontext().prec = 60
cache = {}
def terms(n, p):
    # C(n, j)·p^j·(1 − p)^(n−j) for j = 0..n, each from the one before
    if (n, p) not in cache:
        pd = Decimal(p); qd = 1 - pd
        term = qd ** n; out = [term]
        for j in range(n):
            term = term * (n - j) / (j + 1) * pd / qd
            out.append(term)
        cache[(n, p)] = out
    return cache[(n, p)]
done([float(sum(terms(r['n'], r['p'])[:r['k'] + 1])) for r in data])`,
      points,
    );
    const found = worst(
      points.map((r, i) => ({ ...r, exact: exact[i]! })).filter((r) => r.exact > 1e-300),
      (r) => relativeError(binomialCdf(r.k, r.n, r.p), r.exact),
    );
    expect(found.error, JSON.stringify(found.at)).toBeLessThan(5e-13);
  });

  it('gives the values that can be counted by hand', () => {
    expect(binomialCdf(1, 10, 0.5)).toBeCloseTo(11 / 1024, 15);
    expect(binomialCdf(0, 3, 0.2)).toBeCloseTo(0.512, 15);
    expect(binomialCdf(2, 4, 0.5)).toBeCloseTo(11 / 16, 15);
  });

  it('handles the edges: k below 0 or at least n, p of 0 or 1, fractional k, invalid n or p', () => {
    expect(binomialCdf(-1, 10, 0.3)).toBe(0);
    expect(binomialCdf(10, 10, 0.3)).toBe(1);
    expect(binomialCdf(12, 10, 0.3)).toBe(1);
    expect(binomialCdf(0, 10, 0)).toBe(1);
    expect(binomialCdf(9, 10, 1)).toBe(0);
    expect(binomialCdf(2.7, 10, 0.3)).toBe(binomialCdf(2, 10, 0.3));
    expect(binomialCdf(0, 0, 0.5)).toBe(1);
    expect(binomialCdf(1, 10.5, 0.5)).toBeNaN();
    expect(binomialCdf(1, 10, 1.5)).toBeNaN();
    expect(binomialCdf(Number.NaN, 10, 0.5)).toBeNaN();
  });
});

describe('exact McNemar test', () => {
  const DISCORDANT: ReadonlyArray<readonly [number, number]> = [
    [0, 0],
    [0, 1],
    [1, 0],
    [0, 5],
    [3, 3],
    [1, 9],
    [9, 1],
    [10, 2],
    [7, 12],
    [25, 40],
    [100, 130],
    [5000, 5200],
    [29000, 30000],
    [1, 60000],
    [49000, 51000],
  ];

  it('matches statsmodels mcnemar([[a, b], [c, d]], exact=True).pvalue to 1e-12 relative', () => {
    const tables = DISCORDANT.map(([b, c], i) => [i + 3, b, c, 2 * i] as const);
    const expected = runPython<number[]>(
      `from statsmodels.stats.contingency_tables import mcnemar
done([mcnemar([[a, b], [c, d]], exact=True).pvalue for a, b, c, d in data])`,
      tables,
    );
    const found = worst(
      tables.map(([, b, c], i) => ({ b, c, expected: expected[i]! })),
      (r) => relativeError(mcnemarExactP(r.b, r.c), r.expected),
    );
    expect(found.error, JSON.stringify(found.at)).toBeLessThan(1e-12);
    expect(expected.some((p) => p < 1e-100)).toBe(true);
  });

  it('gives 2·P(X ≤ min(b, c)) by hand, 1 without discordant pairs, and is symmetric in b and c', () => {
    expect(mcnemarExactP(1, 9)).toBe(2 * (11 / 1024));
    expect(mcnemarExactP(0, 5)).toBeCloseTo(2 / 32, 15);
    expect(mcnemarExactP(0, 0)).toBe(1);
    expect(mcnemarExactP(3, 3)).toBe(1);
    expect(mcnemarExactP(12, 7)).toBe(mcnemarExactP(7, 12));
  });
});

describe("Newcombe's interval for a paired difference (method 10)", () => {
  const TABLES: ReadonlyArray<readonly [number, number, number, number]> = [
    [12, 9, 2, 21],
    [59, 6, 16, 80],
    [1, 1, 7, 12],
    [14, 5, 0, 22],
    [0, 0, 0, 10],
    [10, 0, 0, 0],
    [0, 3, 0, 0],
    [0, 4, 6, 0],
    [5, 5, 5, 5],
    [30, 1, 1, 30],
    [2, 40, 3, 1],
    [400, 37, 52, 311],
    [0, 7, 0, 3],
  ];

  /** Newcombe's method 10 written out again in Python, from the paper's formulas. */
  function pythonNewcombePaired(tables: ReadonlyArray<readonly [number, number, number, number]>): Array<[number, number, number]> {
    return runPython(
      `from statistics import NormalDist
z = NormalDist().inv_cdf(0.975)
def wilson(successes, n):
    p = successes / n
    centre = (2 * n * p + z * z) / (2 * (n + z * z))
    half = z * math.sqrt(z * z + 4 * n * p * (1 - p)) / (2 * (n + z * z))
    return p, max(0.0, centre - half), min(1.0, centre + half)
def paired(a, b, c, d):
    n = a + b + c + d
    p1, l1, u1 = wilson(a + b, n)
    p2, l2, u2 = wilson(a + c, n)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    ad_bc = a * d - b * c
    if margins == 0: phi = 0.0
    elif ad_bc > n / 2: phi = (ad_bc - n / 2) / math.sqrt(margins)
    elif ad_bc >= 0: phi = 0.0
    else: phi = ad_bc / math.sqrt(margins)
    diff = p1 - p2
    low = diff - math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    high = diff + math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return [diff, low, high]
done([paired(*t) for t in data])`,
      tables,
    );
  }

  it('matches an independent Python implementation of the definition to 1e-12', () => {
    const expected = pythonNewcombePaired(TABLES);
    TABLES.forEach((table, i) => {
      const got = newcombePairedDifference(...table)!;
      const [estimate, low, high] = expected[i]!;
      expect(got.estimate, `${table}`).toBeCloseTo(estimate, 12);
      expect(got.low, `${table}`).toBeCloseTo(low, 12);
      expect(got.high, `${table}`).toBeCloseTo(high, 12);
    });
  });

  it('gives the published −0.0621 [−0.1186, −0.0046] for a=59, b=6, c=16, d=80 (Fagerland, Lydersen & Laake 2017, ch. 8)', () => {
    const got = newcombePairedDifference(59, 6, 16, 80)!;
    expect(got.estimate).toBeCloseTo(-0.0621, 4);
    expect(got.low).toBeCloseTo(-0.1186, 4);
    expect(got.high).toBeCloseTo(-0.0046, 4);
  });

  it("gives for Newcombe's example a=12, b=9, c=2, d=21 the difference 0.1591 and, from the definition, [0.0112, 0.2954]", () => {
    const got = newcombePairedDifference(12, 9, 2, 21)!;
    expect(got.estimate).toBeCloseTo(7 / 44, 15);
    expect(got.estimate).toBeCloseTo(0.1591, 4);
    expect(got.low).toBeCloseTo(0.0112, 4);
    expect(got.high).toBeCloseTo(0.2954, 4);
  });

  it('reduces to the unpaired square-and-add interval on the margins when φ is 0, and is narrower when the pairs agree', () => {
    // ad − bc = 20 − 12 = 8 lies in [0, n/2 = 10]: the corrected φ is 0
    const flat = newcombePairedDifference(5, 4, 3, 4)!;
    const unpaired = newcombeDifference(5 + 4, 16, 5 + 3, 16)!;
    expect(flat.low).toBeCloseTo(unpaired.low, 14);
    expect(flat.high).toBeCloseTo(unpaired.high, 14);
    // strongly concordant pairs (ad − bc = 900 − 1 > n/2): the correlation narrows the interval
    const concordant = newcombePairedDifference(30, 1, 1, 30)!;
    const ignoringPairs = newcombeDifference(31, 62, 31, 62)!;
    expect(concordant.high - concordant.low).toBeLessThan(0.6 * (ignoringPairs.high - ignoringPairs.low));
  });

  it('contains the estimate, stays within [−1, 1], and mirrors when the two sides swap (b ↔ c)', () => {
    for (const [a, b, c, d] of TABLES) {
      const got = newcombePairedDifference(a, b, c, d)!;
      expect(got.estimate).toBeCloseTo((b - c) / (a + b + c + d), 15);
      expect(got.low).toBeLessThanOrEqual(got.estimate);
      expect(got.high).toBeGreaterThanOrEqual(got.estimate);
      expect(got.low).toBeGreaterThanOrEqual(-1);
      expect(got.high).toBeLessThanOrEqual(1);
      const swapped = newcombePairedDifference(a, c, b, d)!;
      expect(swapped.low).toBeCloseTo(-got.high, 14);
      expect(swapped.high).toBeCloseTo(-got.low, 14);
    }
    const none = newcombePairedDifference(20, 0, 0, 20)!;
    expect(none.estimate).toBe(0);
    expect(none.low).toBeLessThan(0);
    expect(none.high).toBeGreaterThan(0);
  });

  it('gives null for an empty table', () => {
    expect(newcombePairedDifference(0, 0, 0, 0)).toBeNull();
  });
});
