import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { configValue } from '../src/analysis/config-keys.js';
import { jointModel, type KeyEffects } from '../src/analysis/joint-model.js';
import { clusterProportion } from '../src/analysis/stats/cluster-ratio.js';
import { clusterTDifference, flooredVariance } from '../src/analysis/stats/cluster-t.js';
import { clusteredProportion } from '../src/analysis/stats/clustered-proportion.js';
import { cramersV } from '../src/analysis/stats/cramers-v.js';
import { fDistributionSf } from '../src/analysis/stats/f-distribution.js';
import { detectableDifference, MAX_RUNS_NEEDED, runsNeededPerGroup } from '../src/analysis/stats/power.js';
import { mulberry32 } from '../src/analysis/stats/random.js';
import { tSlopeInterval } from '../src/analysis/stats/t-interval.js';
import { populationRate, simulateRuns, type SimulatedRun } from './helpers/calibration-simulator.js';
import { relativeError as relative, runPython } from './helpers/scipy.js';

/**
 * The run-level formulas of the analysis checked against scipy and numpy (Debian's python3 with
 * python3-scipy, as scripts/ensure-binaries.sh installs): the cluster t test against Welch's test
 * on the runs' success rates, the clustered interval, the power formulas, the F distribution, the
 * joint model's weighted least squares and nested F tests, and Cramér's V. One python process per
 * section, all its cases in one batch.
 */

/** runPython (helpers/scipy.ts: Debian's python3, `data` in, `done(result)` out) with numpy and scipy.stats imported. */
const python = <T>(script: string, data: unknown): T => runPython<T>(`import numpy as np\nfrom scipy import stats\n${script}`, data);

/** Arithmetic only (sums, squares, ratios): as exact as double precision allows. */
const ARITHMETIC = 1e-12;
/**
 * Through a t or F tail or quantile: Debian's scipy (1.10) computes t.ppf and t.sf for real df
 * with cdflib's iterative solvers, good to about 1e-10 relative, so the reference itself limits
 * the agreement to about that (the analyzer's own primitives agree with newer scipy to ~1e-12).
 */
const TAIL = 1e-8;

/** Deterministic per-run success counts: K runs of m issues, each run's rate spread around `centre`. */
function runCounts(
  random: () => number,
  runs: number,
  issues: number | readonly number[],
  centre: number,
  spread: number,
): { successes: number[]; issues: number[] } {
  const sizes = Array.from({ length: runs }, (_, r) => (typeof issues === 'number' ? issues : issues[r % issues.length]!));
  const successes = sizes.map((m) => {
    const p = Math.min(1, Math.max(0, centre + spread * (random() - 0.5)));
    let y = 0;
    for (let i = 0; i < m; i += 1) if (random() < p) y += 1;
    return y;
  });
  return { successes, issues: sizes };
}

describe('cluster t (cluster-t.ts) against scipy.stats.ttest_ind(equal_var=False) on the runs’ success rates', () => {
  // Equal run sizes: V = K/(K−1)·Σ(y_r − R·m)²/(K·m)² = s²/K of the run rates, so the test is Welch's.
  const random = mulberry32(20261206);
  const equal: Array<{ a: { successes: number[]; issues: number[] }; b: { successes: number[]; issues: number[] } }> = [];
  const shapes: Array<[number, number, number]> = [
    [2, 2, 6],
    [3, 3, 6],
    [3, 5, 20],
    [5, 3, 20],
    [10, 10, 20],
    [10, 4, 6],
    [30, 30, 20],
    [30, 2, 20],
    [7, 12, 10],
    [4, 25, 20],
  ];
  for (const [ka, kb, m] of shapes) {
    // Keep only draws where the between-run variance is above the binomial floor, where the two tests are the same.
    for (;;) {
      const a = runCounts(random, ka, m, 0.55, 0.8);
      const b = runCounts(random, kb, m, 0.45, 0.8);
      const ra = clusterProportion(a.successes, a.issues)!;
      const rb = clusterProportion(b.successes, b.issues)!;
      if (flooredVariance(ra) === ra.variance && flooredVariance(rb) === rb.variance) {
        equal.push({ a, b });
        break;
      }
    }
  }
  type Welch = { t: number; p: number; df: number; pFromDf: number; low: number; high: number; pAWorse: number; varianceA: number };
  let scipy: Welch[] = [];
  beforeAll(() => {
    scipy = python<Welch[]>(
      `
out = []
for case in data:
    a = np.array(case['a']['successes'], float) / np.array(case['a']['issues'], float)
    b = np.array(case['b']['successes'], float) / np.array(case['b']['issues'], float)
    res = stats.ttest_ind(a, b, equal_var=False)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    d, se = a.mean() - b.mean(), np.sqrt(va + vb)
    q = stats.t.ppf(0.975, df)
    out.append(dict(t=float(res.statistic), p=float(res.pvalue), df=float(df), pFromDf=float(2 * stats.t.sf(abs(res.statistic), df)),
                    low=float(d - q * se), high=float(d + q * se), pAWorse=float(stats.t.cdf(res.statistic, df)), varianceA=float(va)))
done(out)
`,
      equal,
    );
  });

  it('gives Welch’s t, Satterthwaite’s df, the two-sided p, the interval and the one-sided p, for equal run sizes (10 designs, 2 to 30 runs)', () => {
    expect(scipy).toHaveLength(equal.length);
    equal.forEach(({ a, b }, i) => {
      const got = clusterTDifference(a, b)!;
      const want = scipy[i]!;
      const at = `case ${i} (${a.issues.length} × ${a.issues[0]} against ${b.issues.length} × ${b.issues[0]})`;
      // The python df is scipy's own: its p from that df is the p ttest_ind reports.
      expect(relative(want.pFromDf, want.p), at).toBeLessThan(1e-10);
      expect(relative(got.varianceA, want.varianceA), at).toBeLessThan(ARITHMETIC);
      expect(relative(got.t, want.t), at).toBeLessThan(ARITHMETIC);
      expect(relative(got.df, want.df), at).toBeLessThan(ARITHMETIC);
      expect(relative(got.p, want.p), at).toBeLessThan(TAIL);
      expect(relative(got.pAWorse, want.pAWorse), at).toBeLessThan(TAIL);
      expect(relative(got.low, want.low), at).toBeLessThan(TAIL);
      expect(relative(got.high, want.high), at).toBeLessThan(TAIL);
    });
  });
});

describe('the ratio variance, its floor and the clustered interval (cluster-ratio.ts, cluster-t.ts, clustered-proportion.ts) against a python re-computation', () => {
  const random = mulberry32(7);
  const groups = [
    runCounts(random, 3, [6, 9, 12], 0.5, 0.9),
    runCounts(random, 10, [20, 5, 14], 0.3, 0.6),
    runCounts(random, 30, [4, 20, 11, 7], 0.8, 0.3),
    runCounts(random, 5, 20, 0.5, 0), // no spread: V below the binomial variance, design effect 1
    runCounts(random, 2, [3, 17], 0.15, 0.3),
    { successes: [0, 0, 0], issues: [6, 8, 10] }, // p̂ = 0
    { successes: [6, 8, 10], issues: [6, 8, 10] }, // p̂ = 1
    { successes: [7], issues: [12] }, // one run: Wilson with z
  ];
  type Python = {
    estimate: number;
    variance: number | null;
    floored: number | null;
    designEffect: number;
    effectiveIssues: number;
    df: number | null;
    low: number;
    high: number;
  };
  let expected: Python[] = [];
  beforeAll(() => {
    expected = python<Python[]>(
      `
def wilson(p, n, z):
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)
out = []
for g in data:
    y, n = np.array(g['successes'], float), np.array(g['issues'], float)
    k, N = len(y), n.sum()
    p = y.sum() / N
    if k == 1:
        low, high = wilson(p, N, stats.norm.ppf(0.975))
        out.append(dict(estimate=p, variance=None, floored=None, designEffect=1.0, effectiveIssues=N, df=None, low=low, high=high))
        continue
    V = k / (k - 1) * ((y - p * n) ** 2).sum() / N ** 2          # Cochran 1977 §6.11, CR1
    q = (y.sum() + 0.5) / (N + 1) if p in (0.0, 1.0) else p
    floored = max(V, q * (1 - q) / N)
    binomial = p * (1 - p) / N
    deff = 1.0 if binomial == 0 else max(1.0, V / binomial)
    neff = N / deff
    low, high = wilson(p, neff, stats.t.ppf(0.975, k - 1))
    out.append(dict(estimate=p, variance=V, floored=floored, designEffect=deff, effectiveIssues=neff, df=k - 1, low=low, high=high))
done(out)
`,
      groups,
    );
  });

  it('gives p̂, V, the floored variance, deff, n_eff, the t(K − 1) quantile and Wilson on n_eff (and plain Wilson for one run)', () => {
    expect(expected).toHaveLength(groups.length);
    groups.forEach((g, i) => {
      const got = clusteredProportion(g.successes, g.issues)!;
      const want = expected[i]!;
      const at = `group ${i}: ${JSON.stringify(g)}`;
      expect(relative(got.estimate, want.estimate), at).toBeLessThan(ARITHMETIC);
      expect(relative(got.designEffect, want.designEffect), at).toBeLessThan(ARITHMETIC);
      expect(relative(got.effectiveIssues, want.effectiveIssues), at).toBeLessThan(ARITHMETIC);
      expect(got.df, at).toBe(want.df);
      expect(got.method, at).toBe(want.df === null ? 'wilson-one-run' : 'cluster-wilson-t');
      expect(Math.abs(got.low - want.low), at).toBeLessThan(TAIL);
      expect(Math.abs(got.high - want.high), at).toBeLessThan(TAIL);
      if (want.variance === null) expect(got.variance, at).toBeNull();
      else {
        expect(Math.abs(got.variance! - want.variance), at).toBeLessThan(1e-15);
        expect(relative(flooredVariance(clusterProportion(g.successes, g.issues)!), want.floored!), at).toBeLessThan(ARITHMETIC);
      }
    });
  });

  it('uses the floored variances in the cluster t test (p̂ = 0 against p̂ = 1 over identical runs is not a certainty)', () => {
    const none = groups[5]!;
    const all = groups[6]!;
    const got = clusterTDifference(all, none)!;
    const q = (y: number, n: number): number => (((y + 0.5) / (n + 1)) * (1 - (y + 0.5) / (n + 1))) / n;
    expect(got.varianceA).toBeCloseTo(q(24, 24), 15);
    expect(got.varianceB).toBeCloseTo(q(0, 24), 15);
    expect(got.t).toBeCloseTo(1 / Math.sqrt(q(24, 24) + q(0, 24)), 9);
    expect(got.df).toBeCloseTo(4, 12); // both variances equal: (2v)²/(2v²/2) = 4 = K_A + K_B − 2
  });
});

describe('power (power.ts) against scipy.stats.t.ppf', () => {
  const detectable: Array<[number, number]> = [
    [0.05, 2],
    [0.02, 9],
    [0.1, 3.7],
    [0.013, 58],
    [0.2, 1],
    [0.04, 1000],
  ];
  const needed: Array<[number, number, number]> = [
    [0.05, 0.03, 0.03],
    [0.3, 0.03, 0.03],
    [0.1, 0.01, 0.05],
    [0.05, 0.2, 0.001],
    [0.9, 0.01, 0.01],
    [0.02, 0.04, 0.06],
    [0.001, 0.25, 0.25], // beyond MAX_RUNS_NEEDED
    [0.0005, 0.001, 0.002],
    [0.15, 0.25, 0.0],
    [0.07, 0.0, 0.0],
  ];
  let want: { detectable: number[]; needed: Array<number | null> } = { detectable: [], needed: [] };
  beforeAll(() => {
    want = python(
      `
det = [float((stats.t.ppf(0.975, df) + stats.t.ppf(0.8, df)) * se) for se, df in data['detectable']]
needed = []
K = np.arange(2, data['max'] + 1, dtype=float)
for d, va, vb in data['needed']:
    a, b = va / K, vb / K
    den = a * a / (K - 1) + b * b / (K - 1)
    nu = np.where(den == 0, 2 * K - 2, (a + b) ** 2 / np.where(den == 0, 1, den))
    reach = (stats.t.ppf(0.975, nu) + stats.t.ppf(0.8, nu)) * np.sqrt(a + b) <= abs(d)
    needed.append(int(K[np.argmax(reach)]) if reach.any() else None)
done(dict(detectable=det, needed=needed))
`,
      { detectable, needed, max: MAX_RUNS_NEEDED },
    );
  });

  it('gives the detectable difference (t(ν, 0.975) + t(ν, 0.8))·se', () => {
    detectable.forEach(([se, df], i) =>
      expect(relative(detectableDifference(se, df), want.detectable[i]!), `se ${se}, df ${df}`).toBeLessThan(TAIL),
    );
  });

  it('gives the least K whose detectable difference reaches the target, by brute force over K = 2 … 100,000 (null beyond)', () => {
    const got = needed.map(([d, va, vb]) => runsNeededPerGroup(d, va, vb));
    expect(got).toEqual(want.needed);
    expect(got).toContain(null);
    expect(got).toContain(2);
  });
});

describe('the F distribution (f-distribution.ts) against scipy.stats.f.sf', () => {
  const cases: Array<[number, number, number]> = [
    [0.5, 1, 1],
    [1, 2, 10],
    [3.2, 3, 20.5],
    [10, 5, 100],
    [0.01, 4, 7],
    [50, 2, 3],
    [2.5, 1, 1000],
    [0.001, 10, 10],
    [1000, 3, 30],
    [4.3, 6, 2.5],
  ];
  let want: number[] = [];
  beforeAll(() => {
    want = python<number[]>('done([float(stats.f.sf(f, d1, d2)) for f, d1, d2 in data])', cases);
  });

  it('gives P(F > f) for integer and fractional degrees of freedom, from 1e-3 to 1000', () => {
    cases.forEach(([f, d1, d2], i) => expect(relative(fDistributionSf(f, d1, d2), want[i]!), `F(${d1}, ${d2}) > ${f}`).toBeLessThan(TAIL));
    expect(fDistributionSf(0, 2, 3)).toBe(1);
    expect(fDistributionSf(Number.POSITIVE_INFINITY, 2, 3)).toBe(0);
  });
});

describe('the joint model (joint-model.ts) against numpy’s weighted least squares and nested F tests', () => {
  const KEY_SETS = [['llm.model'], ['llm.temperature'], ['maxRetries']] as const;
  /** Runs of different sizes whose keys vary partly together (the better model mostly at temperature 0). */
  function design(seed: number, runs: number): AnalysisRun[] {
    const draw = mulberry32(seed);
    const specs: SimulatedRun[] = Array.from({ length: runs }, (_, r) => {
      const model = ['model-a', 'model-b', 'model-c'][r % 3]!;
      const temperature = draw() < (model === 'model-a' ? 0.8 : 0.3) ? 0 : 0.7;
      return {
        config: { model, temperature, maxRetries: draw() < 0.5 ? 1 : 3 },
        logitMean: model === 'model-a' ? 0.6 : model === 'model-b' ? 0 : -0.3,
        issues: 5 + Math.floor(draw() * 20),
      };
    });
    return simulateRuns(specs, { seed, runEffectSd: 1 });
  }
  const histories = [design(11, 24), design(12, 40), design(13, 9)];
  const models = histories.map((runs) => jointModel(runs, KEY_SETS));
  const label = (run: AnalysisRun, key: string): string => {
    const value = configValue(run.config, key);
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  type Fit = {
    effects: Array<Array<{ estimate: number; low: number; high: number }>>;
    tests: Array<{ f: number; df1: number; df2: number; p: number } | null>;
  };
  let fits: Fit[] = [];
  beforeAll(() => {
    fits = python<Fit[]>(
      `
out = []
for h in data:
    y, w = np.array(h['y']), np.array(h['w'])
    sets = h['sets']
    columns, X = [], [np.ones(len(y))]
    for s in sets:
        cols = []
        for level in s['levels']:
            cols.append(len(X))
            X.append(np.array([1.0 if l == level else 0.0 for l in s['labels']]))
        columns.append(cols)
    X = np.column_stack(X)
    sw = np.sqrt(w)
    def fit(M):
        beta, *_ = np.linalg.lstsq(M * sw[:, None], y * sw, rcond=None)
        e = y - M @ beta
        return beta, e, float((w * e * e).sum())
    beta, e, rss = fit(X)
    k, p = X.shape
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    meat = (X * ((w * e) ** 2)[:, None]).T @ X
    cov = k / (k - p) * bread @ meat @ bread                    # CR1, one run per cluster
    q = stats.t.ppf(0.975, k - p)
    effects, tests = [], []
    for cols in columns:
        effects.append([dict(estimate=float(beta[c]), low=float(beta[c] - q * np.sqrt(cov[c, c])), high=float(beta[c] + q * np.sqrt(cov[c, c]))) for c in cols])
        keep = [j for j in range(p) if j not in cols]
        _, _, rss_reduced = fit(X[:, keep])
        df1, df2 = len(cols), k - p
        f = (rss_reduced - rss) / df1 / (rss / df2)
        tests.append(dict(f=float(f), df1=df1, df2=df2, p=float(stats.f.sf(f, df1, df2))))
    out.append(dict(effects=effects, tests=tests))
done(out)
`,
      histories.map((runs, i) => ({
        y: runs.map((r) => r.completedIssues / r.issues),
        w: runs.map((r) => r.issues),
        sets: KEY_SETS.map(([key], s) => ({ labels: runs.map((r) => label(r, key)), levels: models[i]![s]!.effects.map((e) => e.level) })),
      })),
    );
  });

  it('takes as each key’s reference the level with the most runs', () => {
    histories.forEach((runs, i) =>
      KEY_SETS.forEach(([key], s) => {
        const counts = new Map<string, number>();
        for (const run of runs) counts.set(label(run, key), (counts.get(label(run, key)) ?? 0) + 1);
        const most = Math.max(...counts.values());
        expect(counts.get(models[i]![s]!.reference), `${key} in history ${i}`).toBe(most);
        expect(models[i]![s]!.effects.map((e) => e.level).sort(), `${key} in history ${i}`).toEqual(
          [...counts.keys()].filter((l) => l !== models[i]![s]!.reference).sort(),
        );
      }),
    );
  });

  it('gives the coefficients, their CR1 intervals with t(runs − parameters), and each key’s nested-model F test (24, 40 and 9 runs)', () => {
    expect(fits).toHaveLength(histories.length);
    models.forEach((model: KeyEffects[], i) => {
      model.forEach((set, s) => {
        const at = `${KEY_SETS[s]![0]} in history ${i}`;
        set.effects.forEach((effect, j) => {
          const want = fits[i]!.effects[s]![j]!;
          expect(Math.abs(effect.estimate! - want.estimate), at).toBeLessThan(1e-12);
          expect(Math.abs(effect.low! - want.low), at).toBeLessThan(TAIL);
          expect(Math.abs(effect.high! - want.high), at).toBeLessThan(TAIL);
        });
        const want = fits[i]!.tests[s]!;
        expect(set.test, at).not.toBeNull();
        expect(relative(set.test!.f, want.f), at).toBeLessThan(1e-10);
        expect(set.test!.df1, at).toBe(want.df1);
        expect(set.test!.df2, at).toBe(want.df2);
        expect(relative(set.test!.p, want.p), at).toBeLessThan(TAIL);
      });
    });
  });
});

describe('Cramér’s V (cramers-v.ts) against scipy.stats.contingency.association', () => {
  const random = mulberry32(99);
  const labelled = (n: number, levelsA: number, levelsB: number, tie: number): [string[], string[]] => {
    const a: string[] = [];
    const b: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const x = Math.floor(random() * levelsA);
      const y = random() < tie ? x % levelsB : Math.floor(random() * levelsB);
      a.push(`a${x}`);
      b.push(`b${y}`);
    }
    return [a, b];
  };
  const cases = [
    labelled(20, 2, 2, 0.6),
    labelled(40, 3, 2, 0.5),
    labelled(60, 3, 4, 0.3),
    labelled(24, 2, 2, 0),
    labelled(200, 5, 3, 0.8),
    labelled(12, 4, 4, 1),
  ];
  let want: number[] = [];
  beforeAll(() => {
    want = python<number[]>(
      `
from scipy.stats.contingency import association
out = []
for a, b in data:
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1), dtype=int)
    np.add.at(table, (ia, ib), 1)
    out.append(float(association(table, method='cramer')))
done(out)
`,
      cases,
    );
  });

  it('gives V = √(χ²/(n·(min(r, c) − 1))) for 2×2 to 5×3 tables, from independence to one determining the other', () => {
    cases.forEach(([a, b], i) => expect(Math.abs(cramersV(a, b) - want[i]!), `case ${i}`).toBeLessThan(1e-12));
    expect(cramersV(['x', 'x', 'x'], ['a', 'b', 'a'])).toBe(0);
  });
});

describe('the simulator’s true rate (populationRate) against scipy.integrate.quad', () => {
  const cases: Array<[number, number]> = [
    [0, 0],
    [0, 1],
    [0.7, 1],
    [-1.7346, 1],
    [2.5, 0.5],
    [-3, 2],
  ];
  let want: number[] = [];
  beforeAll(() => {
    want = python<number[]>(
      `
from scipy.integrate import quad
from scipy.special import expit
done([float(expit(mu)) if sd == 0 else quad(lambda z: expit(mu + sd * z) * stats.norm.pdf(z), -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13)[0] for mu, sd in data])
`,
      cases,
    );
  });

  it('gives E[expit(μ + sd·Z)] to 1e-12', () => {
    cases.forEach(([mu, sd], i) => expect(Math.abs(populationRate(mu, sd) - want[i]!), `μ ${mu}, sd ${sd}`).toBeLessThan(1e-12));
  });
});

describe('the slope of a trend (t-interval.ts, tSlopeInterval) against scipy.stats.linregress', () => {
  it('gives the least-squares slope and slope ± t(n − 2, 0.975)·stderr for 3 to 60 points', () => {
    const random = mulberry32(77);
    const series = [3, 4, 6, 9, 15, 30, 60].map((n) => Array.from({ length: n }, (_, i) => 0.5 + 0.01 * i + (random() - 0.5) * 0.3));
    const expected = python<Array<{ slope: number; low: number; high: number }>>(
      `out = []
for ys in data:
    r = stats.linregress(np.arange(len(ys)), ys)
    half = stats.t.ppf(0.975, len(ys) - 2) * r.stderr
    out.append({'slope': r.slope, 'low': r.slope - half, 'high': r.slope + half})
done(out)`,
      series,
    );
    series.forEach((ys, k) => {
      const got = tSlopeInterval(ys)!;
      expect(relative(got.estimate, expected[k]!.slope)).toBeLessThan(1e-9);
      expect(relative(got.low!, expected[k]!.low)).toBeLessThan(1e-8);
      expect(relative(got.high!, expected[k]!.high)).toBeLessThan(1e-8);
    });
    expect(tSlopeInterval([1, 2])).toEqual({ estimate: 1, low: null, high: null });
    expect(tSlopeInterval([1])).toBeNull();
  });
});
