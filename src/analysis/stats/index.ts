export { Z_95, normalCdf, twoSidedNormalP } from './normal.js';
export { mulberry32 } from './random.js';
export { wilsonInterval, type Interval } from './wilson.js';
export { newcombeDifference } from './newcombe.js';
export { fisherExactTwoSided } from './fisher.js';
export { holmAdjust } from './holm.js';
export { bootstrapInterval, bootstrapDifference, type BootstrapOptions, type Estimate } from './bootstrap.js';
export { mannKendall, type TrendTest } from './mann-kendall.js';
