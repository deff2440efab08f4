import fs from 'node:fs';
import path from 'node:path';
import { firstUnknownKey } from '../../events/known-keys.js';
import { describeValue, GitFailedError, InvalidOptionError, NotAGitRepositoryError, UnknownGitRefError } from '../errors.js';
import { codeMetricsOf, type GitCodeMetrics } from './code-metrics.js';
import { fileChanges, type GitFileChange } from './diff-output.js';
import { gitOutput, runGit } from './run-git.js';

export interface GitMetricsOptions {
  /** The repository's folder (or any folder inside it); default the process's working folder. */
  readonly cwd?: string;
  /** The commit the diff starts from: a branch, tag, commit id or expression (`main`, `HEAD~3`, `v1.2`). */
  readonly base: string;
  /** The commit the diff ends at; default `HEAD`. Uncommitted changes are not part of any commit, so not counted. */
  readonly head?: string;
  /** Diff from the merge base of base and head (what `git diff base...head` shows): only the head side's changes. Default false. */
  readonly mergeBase?: boolean;
}

const OPTION_KEYS = ['cwd', 'base', 'head', 'mergeBase'] as const;

/** A diff's code metrics with the files behind them. */
export interface GitDiffStats {
  /** Full commit ids the diff ran between (base is the merge base with `mergeBase`). */
  readonly base: string;
  readonly head: string;
  /** What `finalizeIssue` takes: the same object `codeMetricsFromGit` returns. */
  readonly code: GitCodeMetrics;
  /** Files git counts no lines for; they are in the file counts of `code`, not in its lines. */
  readonly binaryFiles: number;
  /** Files moved (with or without edits): counted as modified in `code`. */
  readonly renamedFiles: number;
  readonly files: readonly GitFileChange[];
}

/**
 * The diff as plain data: rename detection on (`-M`, whatever diff.renames says), no external
 * diff driver or textconv filter, so that the counts are git's own and the same on every machine.
 */
const DIFF_FLAGS = ['-M', '--no-ext-diff', '--no-textconv', '--no-color', '-z'];

function checkedOptions(options: GitMetricsOptions, call: string): Required<GitMetricsOptions> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(call, 'options', `${describeValue(options)}: expected { base, head?, cwd? }`);
  const unknown = firstUnknownKey(options, OPTION_KEYS);
  if (unknown) throw new InvalidOptionError(call, unknown.key, unknown.message);
  const ref = (key: 'base' | 'head', value: unknown): string => {
    if (typeof value !== 'string' || value === '' || value.includes('\0'))
      throw new InvalidOptionError(call, key, `${describeValue(value)}: expected a commit (a branch, tag, commit id or HEAD~1)`);
    if (value.startsWith('-'))
      throw new InvalidOptionError(call, key, `${describeValue(value)}: a commit never starts with "-" (git would read an option)`);
    return value;
  };
  const cwd = options.cwd ?? process.cwd();
  if (typeof cwd !== 'string' || cwd === '') throw new InvalidOptionError(call, 'cwd', `${describeValue(cwd)}: expected a folder`);
  if (options.mergeBase !== undefined && typeof options.mergeBase !== 'boolean')
    throw new InvalidOptionError(call, 'mergeBase', `${describeValue(options.mergeBase)}: expected true or false`);
  return {
    cwd: path.resolve(cwd),
    base: ref('base', options.base),
    head: ref('head', options.head ?? 'HEAD'),
    mergeBase: options.mergeBase ?? false,
  };
}

async function assertRepository(cwd: string): Promise<void> {
  const stat = await fs.promises.stat(cwd).catch(() => null);
  if (!stat?.isDirectory()) throw new NotAGitRepositoryError(cwd, stat ? 'is not a folder' : 'does not exist');
  const result = await runGit(cwd, ['rev-parse', '--git-dir']);
  if (result.exitCode === 0) return;
  const said = result.stderr.trim().split('\n')[0] ?? '';
  // Anything else (a repository git refuses to trust, "dubious ownership") is git's to explain.
  if (/not a git repository/i.test(said)) throw new NotAGitRepositoryError(cwd, 'is not in a git repository');
  throw new GitFailedError(`git rev-parse --git-dir (in ${cwd})`, `exit ${result.exitCode}: ${said}`);
}

/** The full id of the commit `ref` names; GIT_REF_UNKNOWN when it names none. */
async function commitOf(cwd: string, ref: string): Promise<string> {
  const result = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const id = result.stdout.trim();
  if (result.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(id)) throw new UnknownGitRefError(ref, cwd);
  return id;
}

/** The best common ancestor of two commits (what `git diff base...head` starts from). */
async function mergeBaseOf(cwd: string, base: string, head: string, ids: readonly [string, string]): Promise<string> {
  const result = await runGit(cwd, ['merge-base', ...ids]);
  const id = result.stdout.trim();
  if (result.exitCode !== 0 || id === '')
    throw new GitFailedError(
      `git merge-base ${base} ${head}`,
      'the two commits have no common ancestor: compare them directly (base..head, not base...head)',
    );
  return id;
}

/**
 * Every file changed between two commits, and the code metrics they make: `git diff --name-status`
 * and `--numstat` of the same two commit ids, run without a shell.
 */
export async function gitDiffStats(options: GitMetricsOptions): Promise<GitDiffStats> {
  return diffStats(options, 'gitDiffStats');
}

async function diffStats(options: GitMetricsOptions, call: string): Promise<GitDiffStats> {
  const { cwd, base, head, mergeBase } = checkedOptions(options, call);
  await assertRepository(cwd);
  const [baseId, headId] = [await commitOf(cwd, base), await commitOf(cwd, head)];
  const from = mergeBase ? await mergeBaseOf(cwd, base, head, [baseId, headId]) : baseId;
  const range = [from, headId, '--'];
  const nameStatus = await gitOutput(cwd, ['diff', '--name-status', ...DIFF_FLAGS, ...range]);
  const numStat = await gitOutput(cwd, ['diff', '--numstat', ...DIFF_FLAGS, ...range]);
  const files = fileChanges(nameStatus, numStat);
  return {
    base: from,
    head: headId,
    code: codeMetricsOf(files),
    binaryFiles: files.filter((f) => f.binary).length,
    renamedFiles: files.filter((f) => f.status === 'renamed').length,
    files,
  };
}

/**
 * Files created, modified and deleted and lines added and removed between two commits, in the
 * shape `finalizeIssue` takes: `collector.finalizeIssue(3, 'completed', await codeMetricsFromGit({ base, head }))`.
 */
export async function codeMetricsFromGit(options: GitMetricsOptions): Promise<GitCodeMetrics> {
  return (await diffStats(options, 'codeMetricsFromGit')).code;
}
