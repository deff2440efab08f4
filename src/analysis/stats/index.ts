export { Z_95, normalCdf, normalUpperTail, normalTails, twoSidedNormalP, type NormalTails } from './normal.js';
export { normalQuantile } from './normal-quantile.js';
export { logGamma } from './log-gamma.js';
export { regularizedIncompleteBeta, incompleteBetaTails, type BetaTails } from './incomplete-beta.js';
export { studentTCdf, studentTUpperTail, studentTTails, twoSidedTP, type StudentTTails } from './student-t.js';
export { studentTQuantile } from './student-t-quantile.js';
export { binomialCdf } from './binomial.js';
export { mcnemarExactP } from './mcnemar.js';
export { mulberry32 } from './random.js';
export { wilsonInterval, type Interval } from './wilson.js';
export { newcombeDifference } from './newcombe.js';
export { newcombePairedDifference } from './newcombe-paired.js';
export { fisherExactTwoSided } from './fisher.js';
export { holmAdjust } from './holm.js';
export {
  bootstrapInterval,
  bootstrapDifference,
  DEFAULT_BOOTSTRAP_RESAMPLES,
  DEFAULT_BOOTSTRAP_SEED,
  type BootstrapOptions,
  type Estimate,
} from './bootstrap.js';
export { mannKendall, type TrendTest } from './mann-kendall.js';
export { clusterRatio, clusterProportion, type ClusterRatio } from './cluster-ratio.js';
export { clusteredProportion, type ClusteredProportion, type RateIntervalMethod } from './clustered-proportion.js';
export {
  clusterTDifference,
  ratioTDifference,
  flooredVariance,
  satterthwaiteDf,
  type ClusterTDifference,
  type RunCounts,
} from './cluster-t.js';
export { tMeanInterval, tRatioInterval, type Bounds } from './t-interval.js';
export { detectableDifference, runsNeededPerGroup, ALPHA, POWER, MAX_RUNS_NEEDED } from './power.js';
export { fDistributionSf } from './f-distribution.js';
export { cramersV } from './cramers-v.js';
export { weightedLeastSquares, type LeastSquaresFit } from './least-squares.js';
