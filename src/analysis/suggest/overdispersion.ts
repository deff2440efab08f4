/** One run's counts: successes of issues. */
export interface RunCounts {
  readonly successes: number;
  readonly issues: number;
}

/** How alike the issues of one run are, beyond the configuration's rate. */
export interface Overdispersion {
  /** ρ̂, the intra-run correlation of issue outcomes, in [0, MAX_RHO]; 0 when it cannot be estimated. */
  readonly rho: number;
  /** Runs minus groups: the degrees of freedom between runs that the estimate rests on (0: none). */
  readonly df: number;
}

/** A ceiling on ρ̂: at 1 a run would count as one issue whatever its size, and a single odd history could say so. */
export const MAX_RHO = 0.9;

/**
 * The intra-run correlation ρ of issue outcomes, pooled over configurations: the one-way ANOVA
 * estimator for clustered binary data (Fleiss, "Statistical Methods for Rates and Proportions",
 * 1981, §13.2; Ridout, Demétrio & Firth, Biometrics 1999), with the configurations' own rates
 * taken out:
 *   MSB = Σ_g (Σ_k y_k²/m_k − Y_g²/N_g) / (R − G),  MSW = Σ_k (y_k − y_k²/m_k) / (N − R),
 *   m₀ = (N − Σ_g Σ_k m_k²/N_g) / (R − G),          ρ̂ = (MSB − MSW) / (MSB + (m₀ − 1)·MSW),
 * clamped to [0, MAX_RHO]. Pooled because run-to-run variation (the day, the repository, the API)
 * is a property of the setting more than of one configuration, and three runs per configuration
 * could not estimate it alone. Under a beta-binomial model a run of m issues varies by the design
 * effect 1 + (m − 1)ρ times the binomial variance. Runs without issues are left out.
 */
export function pooledOverdispersion(groups: readonly (readonly RunCounts[])[]): Overdispersion {
  let between = 0;
  let within = 0;
  let issues = 0;
  let runs = 0;
  let sizeTerm = 0;
  let used = 0;
  for (const group of groups) {
    const counted = group.filter((r) => r.issues > 0);
    if (counted.length === 0) continue;
    used += 1;
    let y = 0;
    let n = 0;
    let squares = 0;
    for (const r of counted) {
      y += r.successes;
      n += r.issues;
      squares += r.issues * r.issues;
      between += (r.successes * r.successes) / r.issues;
      within += r.successes - (r.successes * r.successes) / r.issues;
    }
    between -= (y * y) / n;
    sizeTerm += squares / n;
    issues += n;
    runs += counted.length;
  }
  const df = runs - used;
  if (df <= 0 || issues - runs <= 0) return { rho: 0, df: Math.max(0, df) };
  const msb = between / df;
  const msw = within / (issues - runs);
  const m0 = (issues - sizeTerm) / df;
  const denominator = msb + (m0 - 1) * msw;
  if (!(denominator > 0)) return { rho: 0, df };
  return { rho: Math.min(MAX_RHO, Math.max(0, (msb - msw) / denominator)), df };
}

/** The design effect of a group's runs: 1 + (m̄ − 1)ρ with m̄ = Σm²/Σm, the size-weighted mean run size (Kish 1965). */
export function designEffectOf(runs: readonly RunCounts[], rho: number): number {
  let n = 0;
  let squares = 0;
  for (const r of runs) {
    n += r.issues;
    squares += r.issues * r.issues;
  }
  return n === 0 ? 1 : 1 + (squares / n - 1) * rho;
}
