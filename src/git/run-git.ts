import { GitFailedError, GitMissingError } from '../errors.js';

export interface GitResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Large enough for the listings of a diff of hundreds of thousands of files. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs `git args…` in `cwd` without a shell, and returns its exit code and output; a missing git
 * is GIT_MISSING. child_process loads with the first call, not with `import('runledger')`.
 */
export async function runGit(cwd: string, args: readonly string[]): Promise<GitResult> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      // LC_ALL=C: git's messages in English, as the error messages quote them.
      { cwd, encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES, env: { ...process.env, LC_ALL: 'C' }, windowsHide: true },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ exitCode: 0, stdout, stderr });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(new GitMissingError({ cause: error }));
        if (typeof error.code === 'number') return resolve({ exitCode: error.code, stdout, stderr });
        reject(new GitFailedError(`git ${args[0] ?? ''}`, error.message, { cause: error }));
      },
    );
  });
}

/** The output of a git command that must succeed; its first line of stderr otherwise. */
export async function gitOutput(cwd: string, args: readonly string[]): Promise<string> {
  const result = await runGit(cwd, args);
  if (result.exitCode !== 0) {
    const said = result.stderr.trim().split('\n')[0] ?? '';
    throw new GitFailedError(`git ${args.join(' ')}`, `exit ${result.exitCode}${said === '' ? '' : `: ${said}`}`);
  }
  return result.stdout;
}
