import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The unit tier (`npm run test:unit`): pure functions (statistics, projections, event schemas, line
 * format, codecs, price arithmetic); no collector, server, NATS, browser or fsync (analysis.stats
 * asks python3 for reference values). About 20 s. A new test joins it by its name
 * (`*.unit.test.ts`) or by its area below.
 */
const UNIT = [
  'test/**/*.unit.test.ts',
  'test/analysis.*.test.ts',
  'test/projections.*.test.ts',
  'test/events.*.test.ts',
  'test/journal.line-format.test.ts',
  'test/prices.plain-prices.test.ts',
  'test/replay.csv-encoding.test.ts',
  'test/replay.index-codec.test.ts',
  'test/replay.state-codec.test.ts',
];
/** The torture tier (`npm run test:torture`; `npm run torture` is its long mode). */
const TORTURE = ['test/torture/**/*.test.ts'];
/**
 * The statistics' calibration (`npm run test:calibration`): pure too, but 1,000 simulated histories per cell take ~30 s of CPU,
 * and `suggest`'s study of 400 simulated studies about 26 s. Any `test/*.calibration.test.ts` joins it.
 */
const CALIBRATION = ['test/analysis.calibration.test.ts', 'test/*.calibration.test.ts'];

// `npm test` (vitest run) runs every project: unit, calibration, integration and torture.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, exclude: [...configDefaults.exclude, ...CALIBRATION] } },
      { extends: true, test: { name: 'calibration', include: CALIBRATION } },
      {
        extends: true,
        // Processes, disks, servers, NATS and the browser: the rest of test/.
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT, ...CALIBRATION, ...TORTURE],
        },
      },
      { extends: true, test: { name: 'torture', include: TORTURE } },
    ],
  },
});
