import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runNode } from './helpers/child.js';
import { importJson } from './helpers/imports.js';
import { runPython } from './helpers/scipy.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * End to end: two aider benchmark runs of one model on the same exercises, one with the diff edit
 * format and one with whole, imported and compared with `compare --by editFormat`. With one run per
 * configuration and shared exercise ids the comparison is paired (exact McNemar on the first
 * attempts); its figures are checked against an independent computation from the results files
 * (the test's own counting, scipy's binomial test, statsmodels' Wilson interval).
 */

interface Exercise {
  readonly language: string;
  readonly name: string;
  /** tests_outcomes per try for diff and for whole. */
  readonly diff: boolean[];
  readonly whole: boolean[];
  readonly cost: { diff: number; whole: number };
}

const LANGUAGES = ['python', 'rust', 'go', 'javascript', 'cpp', 'java'];

/**
 * 40 exercises: 20 passed by both, 9 only by diff, 2 only by whole, 9 by neither; some passes
 * at the second try. Written out so that the discordant counts are known: b = 9, c = 2.
 */
function exercises(): Exercise[] {
  const kinds = [
    ...Array<string>(20).fill('both'),
    ...Array<string>(9).fill('diff'),
    ...Array<string>(2).fill('whole'),
    ...Array<string>(9).fill('neither'),
  ];
  return kinds.map((kind, i) => {
    const pass = (passes: boolean): boolean[] => (passes ? (i % 4 === 0 ? [false, true] : [true]) : [false, false]);
    return {
      language: LANGUAGES[i % LANGUAGES.length]!,
      name: `exercise-${String(i).padStart(2, '0')}`,
      diff: pass(kind === 'both' || kind === 'diff'),
      whole: pass(kind === 'both' || kind === 'whole'),
      cost: { diff: 0.001 * (i + 1), whole: 0.0015 * (i + 1) },
    };
  });
}

/** A benchmark run folder as aider's benchmark.py writes it: one .aider.results.json per exercise. */
function writeRun(root: string, editFormat: 'diff' | 'whole', all: readonly Exercise[]): string {
  const runDir = path.join(root, `2026-02-01-10-00-00--gpt-4o-${editFormat}`);
  for (const [i, e] of all.entries()) {
    const dir = path.join(runDir, e.language, 'exercises', 'practice', e.name);
    fs.mkdirSync(dir, { recursive: true });
    const results = {
      testdir: dir,
      testcase: e.name,
      model: 'gpt-4o-2024-08-06',
      edit_format: editFormat,
      tests_outcomes: e[editFormat],
      cost: e.cost[editFormat],
      duration: 20 + i,
      test_timeouts: 0,
      commit_hash: '0.86.2.dev-a1b2c3d',
      num_error_outputs: 0,
      num_user_asks: 0,
      num_exhausted_context_windows: 0,
      num_malformed_responses: 0,
      syntax_errors: 0,
      indentation_errors: 0,
      lazy_comments: 0,
      reasoning_effort: null,
      prompt_tokens: 2000 + i,
      completion_tokens: 400 + i,
      thinking_tokens: null,
      chat_hashes: [],
    };
    fs.writeFileSync(path.join(dir, '.aider.results.json'), JSON.stringify(results, null, 4));
  }
  return runDir;
}

interface Interval {
  readonly estimate: number;
  readonly low: number | null;
  readonly high: number | null;
}
interface CompareGroup {
  readonly label: string;
  readonly issues: number;
  readonly completedIssues: number;
  readonly issueSuccessRate: Interval & { readonly method: string };
  readonly firstTimeRightRate: Interval;
  readonly costPerRun: Interval;
  readonly versusBaseline: { difference: Interval; test: string; p: number; sharedIssues: number } | null;
}

describe('import two aider runs and compare them by edit format', () => {
  it('is paired on the shared exercises, and its figures match an independent computation', async () => {
    const all = exercises();
    const sources = tempDir();
    const dir = tempDir();
    const { code, report } = await importJson('aider', [writeRun(sources, 'diff', all), writeRun(sources, 'whole', all)], dir);
    expect(code).toBe(0);
    expect(report.runs.map((r) => r.kind)).toEqual(['imported', 'imported']);

    const result = await runNode([CLI, 'compare', '--by', 'editFormat', '--baseline', 'diff', '--json', '--dir', dir]);
    expect(result.code).toBe(0);
    const groups = (JSON.parse(result.stdout) as { groups: CompareGroup[] }).groups;
    const diff = groups.find((g) => g.label === 'diff')!;
    const whole = groups.find((g) => g.label === 'whole')!;

    // The test's own counting, from the results it wrote.
    const passed = (outcomes: readonly boolean[]) => outcomes.at(-1) === true;
    const firstTry = (outcomes: readonly boolean[]) => outcomes[0] === true;
    const count = (f: (e: Exercise) => boolean) => all.filter(f).length;
    const diffPassed = count((e) => passed(e.diff));
    const wholePassed = count((e) => passed(e.whole));
    expect([diffPassed, wholePassed]).toEqual([29, 22]);
    expect(diff).toMatchObject({ issues: 40, completedIssues: diffPassed });
    expect(whole).toMatchObject({ issues: 40, completedIssues: wholePassed });
    expect(diff.issueSuccessRate.estimate).toBeCloseTo(diffPassed / 40, 12);
    expect(diff.firstTimeRightRate.estimate).toBeCloseTo(count((e) => firstTry(e.diff)) / 40, 12);
    expect(whole.firstTimeRightRate.estimate).toBeCloseTo(count((e) => firstTry(e.whole)) / 40, 12);
    // aider's own cost is the reported cost: the run's cost is their sum.
    expect(diff.costPerRun.estimate).toBeCloseTo(
      all.reduce((s, e) => s + e.cost.diff, 0),
      10,
    );
    expect(whole.costPerRun.estimate).toBeCloseTo(
      all.reduce((s, e) => s + e.cost.whole, 0),
      10,
    );

    // Paired: the same 40 exercise ids in both runs; exact McNemar on the discordant pairs (each exercise's only attempt per run).
    const versus = whole.versusBaseline!;
    expect(versus.test).toBe('mcnemar-exact');
    expect(versus.sharedIssues).toBe(40);
    const onlyDiff = count((e) => passed(e.diff) && !passed(e.whole));
    const onlyWhole = count((e) => passed(e.whole) && !passed(e.diff));
    expect([onlyDiff, onlyWhole]).toEqual([9, 2]);
    expect(versus.difference.estimate).toBeCloseTo((wholePassed - diffPassed) / 40, 12);

    const reference = runPython<{ p: number; wilsonDiff: [number, number]; wilsonWhole: [number, number] }>(
      `
from scipy.stats import binomtest
from statsmodels.stats.proportion import proportion_confint
b, c = data['b'], data['c']
done({
  'p': binomtest(min(b, c), b + c, 0.5).pvalue,
  'wilsonDiff': list(proportion_confint(data['diff'], 40, alpha=0.05, method='wilson')),
  'wilsonWhole': list(proportion_confint(data['whole'], 40, alpha=0.05, method='wilson')),
})
`,
      { b: onlyDiff, c: onlyWhole, diff: diffPassed, whole: wholePassed },
    );
    expect(versus.p).toBeCloseTo(reference.p, 10);
    expect(versus.p).toBeLessThan(0.1);
    // One run per group: Wilson's interval over the run's issues.
    expect(diff.issueSuccessRate.method).toBe('wilson-one-run');
    expect(diff.issueSuccessRate.low).toBeCloseTo(reference.wilsonDiff[0], 8);
    expect(diff.issueSuccessRate.high).toBeCloseTo(reference.wilsonDiff[1], 8);
    expect(whole.issueSuccessRate.low).toBeCloseTo(reference.wilsonWhole[0], 8);
    expect(whole.issueSuccessRate.high).toBeCloseTo(reference.wilsonWhole[1], 8);
  });
});
