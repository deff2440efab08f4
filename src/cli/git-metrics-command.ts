import { gitDiffStats } from '../git/code-metrics-from-git.js';
import { UsageError } from './exit-codes.js';

export interface GitMetricsCommandOptions {
  readonly cwd?: string;
  readonly files?: boolean;
}

interface Range {
  readonly base: string;
  readonly head: string;
  readonly mergeBase: boolean;
}

/**
 * `<base>..<head>`, `<base>...<head>` (from their merge base, as git diff reads it) or `<base>`
 * (to HEAD); an empty side is HEAD, as in git. A ref never contains "..", so the split is unambiguous.
 */
export function parseRange(range: string): Range {
  const threeDots = range.indexOf('...');
  const at = threeDots >= 0 ? threeDots : range.indexOf('..');
  const [base, head] = at >= 0 ? [range.slice(0, at), range.slice(at + (threeDots >= 0 ? 3 : 2))] : [range, 'HEAD'];
  if (base === '' && head === '')
    throw new UsageError(`git-metrics: ${JSON.stringify(range)} names no commit: give <base>..<head>, as in main..HEAD`);
  for (const side of [base, head])
    if (side.startsWith('-')) throw new UsageError(`git-metrics: ${JSON.stringify(side)} is not a commit (a commit never starts with "-")`);
  return { base: base === '' ? 'HEAD' : base, head: head === '' ? 'HEAD' : head, mergeBase: threeDots >= 0 };
}

/** Prints, as JSON, the code metrics `codeMetricsFromGit` gives for the range; with --files, every file behind them. */
export async function gitMetricsCommand(range: string, options: GitMetricsCommandOptions): Promise<void> {
  const stats = await gitDiffStats({ ...parseRange(range), ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  process.stdout.write(`${JSON.stringify(options.files === true ? stats : stats.code, null, 2)}\n`);
}
