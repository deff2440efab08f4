import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeMetricsFromGit, gitDiffStats, RunledgerError, type GitMetricsOptions } from '../src/index.js';
import { CLI } from './helpers/child.js';
import { readLines, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * codeMetricsFromGit and `runledger git-metrics` on a real repository made here with git: between
 * `base` and `head` every kind of change happens once or twice, and the expected figures are
 * counted by hand (and checked against git's own --shortstat).
 */

const IDENTITY = ['-c', 'user.name=runledger test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false'];

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

const lines = (n: number, prefix = 'line'): string => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');
const binary = (seed: number): Buffer => Buffer.from(Array.from({ length: 64 }, (_, i) => (i * seed) % 256));

let repo = '';
let outside = '';

beforeAll(() => {
  // Made once for every test of this file: tempDir's folders go after each test.
  repo = fs.mkdtempSync(path.join(path.dirname(tempDir()), 'runledger-git-'));
  outside = fs.mkdtempSync(path.join(path.dirname(repo), 'runledger-not-git-'));
  const write = (file: string, content: string | Buffer): void => {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), content);
  };
  git(repo, 'init', '-q', '-b', 'main');
  // A user's settings that would change what git diff prints: runledger's flags override them.
  git(repo, 'config', 'diff.renames', 'false');
  git(repo, 'config', 'diff.external', 'false');
  write('edit-me.ts', lines(5));
  write('name.txt', lines(10, 'kept'));
  write('moved-with-edits.txt', lines(20, 'moved'));
  write('to-delete.txt', lines(2, 'gone'));
  write('image.bin', binary(3));
  write('source.txt', lines(6, 'source'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  git(repo, 'tag', 'base');

  write('new.txt', lines(4, 'new'));
  write('dir with space/new file.txt', lines(2));
  write('line\nbreak.txt', lines(1, 'broken'));
  write('pic.png', binary(7));
  write('image.bin', binary(5));
  write('copy.txt', lines(6, 'source'));
  write('edit-me.ts', lines(5).replace('line 3\n', 'line three\n'));
  fs.rmSync(path.join(repo, 'to-delete.txt'));
  git(repo, 'mv', 'name.txt', 'renamed.txt');
  fs.mkdirSync(path.join(repo, 'moved'));
  git(repo, 'mv', 'moved-with-edits.txt', 'moved/edited.txt');
  write('moved/edited.txt', lines(20, 'moved').replace('moved 20\n', 'moved twenty\n'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'head');
  git(repo, 'tag', 'head');

  // A branch off base and a commit on main after it: base...feature is the branch's own change.
  git(repo, 'checkout', '-q', '-b', 'feature', 'base');
  write('feature.txt', lines(3, 'feature'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'feature');
  // A history of its own: no common ancestor with main.
  git(repo, 'checkout', '-q', '--orphan', 'lonely');
  git(repo, 'commit', '-q', '-m', 'lonely');
  git(repo, 'checkout', '-q', 'main');
});

/** What codeMetricsFromGit throws, as { code, message }. */
async function refusal(options: GitMetricsOptions): Promise<{ code: string; message: string }> {
  const error: unknown = await codeMetricsFromGit(options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RunledgerError);
  return { code: (error as RunledgerError).code, message: (error as Error).message };
}

describe('codeMetricsFromGit', () => {
  it('counts created, modified, deleted, renamed (with and without edits), copied and binary files, paths with a space and a newline', async () => {
    const stats = await gitDiffStats({ cwd: repo, base: 'base', head: 'head' });
    // Created: new.txt, "dir with space/new file.txt", "line\nbreak.txt", pic.png, copy.txt.
    // Modified: edit-me.ts, image.bin, renamed.txt (moved), moved/edited.txt (moved and edited). Deleted: to-delete.txt.
    expect(stats.code).toEqual({
      filesCreated: 5,
      filesModified: 4,
      filesDeleted: 1,
      linesAdded: 4 + 2 + 1 + 6 + 1 + 1,
      linesRemoved: 1 + 2 + 1,
    });
    expect(stats.binaryFiles).toBe(2);
    expect(stats.renamedFiles).toBe(2);
    const byPath = new Map(stats.files.map((f) => [f.path, f]));
    expect(byPath.get('renamed.txt')).toEqual({
      status: 'renamed',
      path: 'renamed.txt',
      previousPath: 'name.txt',
      binary: false,
      linesAdded: 0,
      linesRemoved: 0,
    });
    expect(byPath.get('moved/edited.txt')).toMatchObject({
      status: 'renamed',
      previousPath: 'moved-with-edits.txt',
      linesAdded: 1,
      linesRemoved: 1,
    });
    expect(byPath.get('dir with space/new file.txt')).toMatchObject({ status: 'created', linesAdded: 2 });
    expect(byPath.get('line\nbreak.txt')).toMatchObject({ status: 'created', linesAdded: 1 });
    expect(byPath.get('pic.png')).toMatchObject({ status: 'created', binary: true, linesAdded: 0, linesRemoved: 0 });
    expect(byPath.get('image.bin')).toMatchObject({ status: 'modified', binary: true });
    expect(byPath.get('to-delete.txt')).toMatchObject({ status: 'deleted', linesRemoved: 2 });
    // A copy is a created file with every line added (copies are not detected: the code base grew by the whole file).
    expect(byPath.get('copy.txt')).toMatchObject({ status: 'created', previousPath: null, linesAdded: 6 });
    expect(stats.files).toHaveLength(10);
    expect([stats.base, stats.head]).toEqual([git(repo, 'rev-parse', 'base^{commit}'), git(repo, 'rev-parse', 'head^{commit}')]);
    // The same totals as git's own summary of the same diff.
    expect(git(repo, 'diff', '--shortstat', '-M', 'base', 'head')).toBe(
      `${stats.files.length} files changed, ${stats.code.linesAdded} insertions(+), ${stats.code.linesRemoved} deletions(-)`,
    );
  });

  it('gives finalizeIssue exactly what it takes: the IssueFinished event carries the figures', async () => {
    const code = await codeMetricsFromGit({ cwd: repo, base: 'base', head: 'head' });
    const dir = tempDir();
    const collector = await startRun(dir);
    collector.startIssue(3, { title: 'from git' });
    collector.finalizeIssue(3, 'completed', { ...code, testsAdded: 2 });
    collector.finalizeRun('completed');
    const finished = readLines(collector.journalPath)
      .map((line) => JSON.parse(line) as { type: string; data: { code: unknown } })
      .find((e) => e.type === 'IssueFinished');
    expect(finished?.data.code).toEqual({ ...code, testsAdded: 2, coveragePercent: null });
    expect(code).toEqual({ filesCreated: 5, filesModified: 4, filesDeleted: 1, linesAdded: 15, linesRemoved: 4 });
  });

  it('head defaults to HEAD; an empty diff is all zeros', async () => {
    expect(await codeMetricsFromGit({ cwd: repo, base: 'head' })).toEqual({
      filesCreated: 0,
      filesModified: 0,
      filesDeleted: 0,
      linesAdded: 0,
      linesRemoved: 0,
    });
    expect((await gitDiffStats({ cwd: repo, base: 'main', head: 'head' })).files).toEqual([]);
    expect(await codeMetricsFromGit({ cwd: path.join(repo, 'moved'), base: 'base~0' })).toMatchObject({
      filesCreated: 5,
      filesModified: 4,
    });
  });

  it('mergeBase: only the head side of a branch, as git diff base...head', async () => {
    expect(await codeMetricsFromGit({ cwd: repo, base: 'main', head: 'feature', mergeBase: true })).toEqual({
      filesCreated: 1,
      filesModified: 0,
      filesDeleted: 0,
      linesAdded: 3,
      linesRemoved: 0,
    });
    // Without it, main's own changes show reversed.
    expect((await codeMetricsFromGit({ cwd: repo, base: 'main', head: 'feature' })).filesDeleted).toBe(5);
    expect(await refusal({ cwd: repo, base: 'main', head: 'lonely', mergeBase: true })).toMatchObject({
      code: 'GIT_FAILED',
      message: expect.stringContaining('git merge-base main lonely failed: the two commits have no common ancestor'),
    });
  });

  it('refuses a ref that names no commit, a folder outside git, an argument git would read as an option, an unknown key', async () => {
    expect(await refusal({ cwd: repo, base: 'no-such-branch', head: 'head' })).toMatchObject({
      code: 'GIT_REF_UNKNOWN',
      message: expect.stringContaining('"no-such-branch" names no commit'),
    });
    expect((await refusal({ cwd: repo, base: 'base', head: 'head~99' })).code).toBe('GIT_REF_UNKNOWN');
    expect(await refusal({ cwd: outside, base: 'HEAD~1' })).toMatchObject({
      code: 'GIT_NOT_A_REPOSITORY',
      message: expect.stringContaining(outside),
    });
    expect((await refusal({ cwd: path.join(outside, 'missing'), base: 'HEAD~1' })).message).toContain('does not exist');
    expect(await refusal({ cwd: repo, base: '--output=/tmp/x', head: 'head' })).toMatchObject({
      code: 'OPTION_INVALID',
      message: expect.stringContaining('"base"'),
    });
    expect((await refusal({ cwd: repo, base: 'base', head: '' })).code).toBe('OPTION_INVALID');
    expect(await refusal({ cwd: repo, base: 'base', haed: 'head' } as GitMetricsOptions)).toMatchObject({
      code: 'OPTION_INVALID',
      message: expect.stringContaining('did you mean "head"'),
    });
  });
});

describe('runledger git-metrics', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(process.execPath, [CLI, 'git-metrics', ...args], { encoding: 'utf8', env });

  it('prints as JSON what codeMetricsFromGit returns; --files adds the files and the commits', async () => {
    const result = cli(['base..head', '--cwd', repo]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(await codeMetricsFromGit({ cwd: repo, base: 'base', head: 'head' }));
    const files = cli(['base..head', '--cwd', repo, '--files']);
    expect(JSON.parse(files.stdout)).toEqual(JSON.parse(JSON.stringify(await gitDiffStats({ cwd: repo, base: 'base', head: 'head' }))));
  });

  it('reads <base>...<head> from the merge base, <base> and <base>.. up to HEAD, in the current folder by default', () => {
    const run = (range: string) =>
      JSON.parse(spawnSync(process.execPath, [CLI, 'git-metrics', range], { cwd: repo, encoding: 'utf8' }).stdout) as Record<
        string,
        number
      >;
    expect(run('main...feature')).toMatchObject({ filesCreated: 1, linesAdded: 3 });
    expect(run('base')).toEqual(run('base..'));
    expect(run('base')).toEqual(run('base..head'));
  });

  it('exits 2 with one line for a bad ref, a folder outside git, a missing git, an empty range', () => {
    const badRef = cli(['base..nope', '--cwd', repo]);
    expect([badRef.status, badRef.stdout]).toEqual([2, '']);
    expect(badRef.stderr).toBe(
      `runledger: "nope" names no commit in the repository at ${repo}: give a branch, tag, commit id or an expression such as HEAD~1 (git rev-parse --verify must accept it).\n`,
    );
    expect(cli(['HEAD~1..HEAD', '--cwd', outside]).stderr).toContain('is not in a git repository');
    const noGit = cli(['base..head', '--cwd', repo], { ...process.env, PATH: outside });
    expect(noGit.status).toBe(2);
    expect(noGit.stderr).toContain('git program was not found on PATH');
    expect(cli(['..', '--cwd', repo]).status).toBe(2);
    const option = cli(['base..--output=x', '--cwd', repo]);
    expect([option.status, option.stderr]).toEqual([
      2,
      'runledger: git-metrics: "--output=x" is not a commit (a commit never starts with "-")\n',
    ]);
    expect(fs.existsSync(path.join(repo, 'x'))).toBe(false);
  });
});
