import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every `npx runledger …` example of the README, pasted as it is after `npm start`, must work: it
 * is taken from the README itself (the lines of its ```sh blocks and its inline code spans that
 * start with `npx runledger`) and run with the built CLI, in a folder whose `logs/` the demo made
 * (`npm start` writes `./logs`, the folder the CLI reads when given no --dir).
 */
const README = fs.readFileSync('README.md', 'utf8');
const CLI = path.resolve('dist/src/cli/main.js');

/**
 * Examples that need something besides the demo's logs folder, and so are not run here:
 * `serve` starts a server that runs until stopped (test/serve.process.test.ts runs it); `ship` and
 * `replay --from` need a NATS JetStream server (test/ship.*.test.ts and
 * test/central-replay.byte-identical.test.ts run them against a real one).
 */
const NEEDS_A_SERVER = [/^npx runledger serve\b/, /^npx runledger ship\b/, /^npx runledger replay --from\b/];
/** `git-metrics` reads a git repository, not the demo's logs: test/git.code-metrics.test.ts runs it on one made there. */
const NEEDS_A_REPOSITORY = [/^npx runledger git-metrics\b/];

function readmeExamples(): string[] {
  const found = new Set<string>();
  for (const block of README.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    for (const line of block[1]!.split('\n')) if (line.startsWith('npx runledger ')) found.add(line.trim());
  }
  for (const span of README.matchAll(/`(npx runledger [^`]+)`/g)) found.add(span[1]!.trim());
  return [...found];
}

const examples = readmeExamples();
const runnable = examples.filter((e) => ![...NEEDS_A_SERVER, ...NEEDS_A_REPOSITORY].some((skip) => skip.test(e)));

let work = '';
let demoOut = '';
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'runledger-readme-'));
  const demo = spawnSync(process.execPath, [path.resolve('dist/examples/demo/run-demo.js'), '--seed', '7'], {
    cwd: work,
    encoding: 'utf8',
    timeout: 150_000,
  });
  if (demo.status !== 0) throw new Error(`the demo failed:\n${demo.stderr}\n${demo.stdout.slice(-2000)}`);
  demoOut = demo.stdout;
  // What `npm start` tells the user to try next needs no --dir either.
  if (!demo.stdout.includes('Try: npx runledger runs\n')) throw new Error(`the demo's last line: ${demo.stdout.slice(-300)}`);
}, 180_000);
afterAll(() => {
  if (work !== '') fs.rmSync(work, { recursive: true, force: true });
});

describe('the README examples, after npm start', () => {
  it('finds the examples, and skips only those that need a server or a git repository', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(15);
    expect(examples.length - runnable.length).toBe(NEEDS_A_SERVER.length + NEEDS_A_REPOSITORY.length);
    expect(runnable).toContain('npx runledger show demo_gpt-4o_t0_r1_1 --issue 3');
  });

  it('the demo and `compare` print the same intervals for the same runs: one default bootstrap seed, printed', () => {
    const section = (text: string, title: string): string => {
      const at = text.indexOf(title);
      expect(at, `${title} in:\n${text}`).toBeGreaterThanOrEqual(0);
      return text.slice(at, text.indexOf('\n\n', text.indexOf('\n\n', at) + 2));
    };
    const compare = spawnSync(process.execPath, [CLI, 'compare', '--by', 'llm.model'], { cwd: work, encoding: 'utf8' });
    expect(compare.status, compare.stderr).toBe(0);
    expect(section(compare.stdout, 'Comparison by llm.model')).toBe(section(demoOut, 'Comparison by llm.model'));
    expect(demoOut).toContain('Bootstrap: 2000 resamples, seed 1 ');
    expect(compare.stdout).toContain('Bootstrap: 2000 resamples, seed 1 ');
  });

  it.each(runnable)('%s', (example) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.RUNLEDGER_DIR;
    // The line as pasted, comment and quoting included; only `npx runledger` becomes the built CLI.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)}${example.slice('npx runledger'.length)}`;
    const result = spawnSync('/bin/sh', ['-c', command], { cwd: work, encoding: 'utf8', env, timeout: 60_000 });
    const said = `exit ${String(result.status ?? result.signal)}\nstdout:\n${result.stdout.slice(0, 2000)}\nstderr:\n${result.stderr}`;
    expect(result.status, said).toBe(0);
    // An empty answer: nothing printed, or a listing of no runs, or a table without a row.
    expect(result.stdout.trim(), said).not.toBe('');
    expect(result.stdout, said).not.toMatch(/^0 of \d+ run/m);
    expect(result.stdout, said).not.toMatch(/^-+(?: +-+)*\n(?:\n|(?![\s\S]))/m);
    if (example.includes('--out report.html')) expect(fs.statSync(path.join(work, 'report.html')).size).toBeGreaterThan(1000);
    // Nothing appeared beside the demo's folder but what the example asked for.
    expect(fs.readdirSync(work).filter((f) => f !== 'logs' && f !== 'report.html')).toEqual([]);
  });
});
