import { GitFailedError } from '../errors.js';

/** What happened to one file between base and head, as `git diff -M` sees it. */
export type GitFileStatus = 'created' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

export interface GitFileChange {
  readonly status: GitFileStatus;
  /** The file's path at head (at base for a deleted file). */
  readonly path: string;
  /** Where a renamed or copied file came from; null otherwise. */
  readonly previousPath: string | null;
  /** True when git counts no lines for the file (binary content): its lines are not in the totals. */
  readonly binary: boolean;
  /** Lines added and removed; 0 for a binary file. For a renamed file, only the lines its edits changed. */
  readonly linesAdded: number;
  readonly linesRemoved: number;
}

const STATUS_LETTERS: Readonly<Record<string, GitFileStatus>> = {
  A: 'created',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

interface NameStatus {
  readonly status: GitFileStatus;
  readonly path: string;
  readonly previousPath: string | null;
}

interface NumStat {
  readonly path: string;
  readonly linesAdded: number | null;
  readonly linesRemoved: number | null;
}

function unreadable(command: string, what: string): GitFailedError {
  return new GitFailedError(command, `its output could not be read (${what}); please report this with your git version`);
}

/** `git diff --name-status -z`: `M\0path\0`, `R086\0from\0to\0` for renames and copies. */
export function parseNameStatus(output: string): NameStatus[] {
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  const files: NameStatus[] = [];
  for (let i = 0; i < fields.length;) {
    const letter = fields[i]!.charAt(0);
    const status = STATUS_LETTERS[letter];
    if (status === undefined) throw unreadable('git diff --name-status', `status ${JSON.stringify(fields[i])}`);
    const paired = status === 'renamed' || status === 'copied';
    const first = fields[i + 1];
    const second = paired ? fields[i + 2] : undefined;
    if (first === undefined || (paired && second === undefined)) throw unreadable('git diff --name-status', 'a record without its path');
    files.push(paired ? { status, path: second!, previousPath: first } : { status, path: first, previousPath: null });
    i += paired ? 3 : 2;
  }
  return files;
}

/** `git diff --numstat -z`: `added\tremoved\tpath\0`, or `added\tremoved\t\0from\0to\0` for a rename; `-\t-\t` for binary. */
export function parseNumStat(output: string): NumStat[] {
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  const files: NumStat[] = [];
  for (let i = 0; i < fields.length;) {
    const match = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(fields[i]!);
    if (!match) throw unreadable('git diff --numstat', `record ${JSON.stringify(fields[i]!.slice(0, 80))}`);
    const count = (text: string): number | null => (text === '-' ? null : Number(text));
    const [linesAdded, linesRemoved] = [count(match[1]!), count(match[2]!)];
    if (match[3] !== '') {
      files.push({ path: match[3]!, linesAdded, linesRemoved });
      i += 1;
      continue;
    }
    const to = fields[i + 2];
    if (to === undefined) throw unreadable('git diff --numstat', 'a rename without its paths');
    files.push({ path: to, linesAdded, linesRemoved });
    i += 3;
  }
  return files;
}

/**
 * The two listings of one diff, file by file. Git writes both in the same order; a mismatch means
 * the outputs are not of the same diff, which runledger reports rather than guesses at.
 */
export function fileChanges(nameStatus: string, numStat: string): GitFileChange[] {
  const statuses = parseNameStatus(nameStatus);
  const counts = parseNumStat(numStat);
  if (statuses.length !== counts.length)
    throw unreadable('git diff', `${statuses.length} files by status, ${counts.length} by line counts`);
  return statuses.map((file, i) => {
    const lines = counts[i]!;
    if (lines.path !== file.path)
      throw unreadable('git diff', `file ${i + 1} is ${JSON.stringify(file.path)} and ${JSON.stringify(lines.path)}`);
    const binary = lines.linesAdded === null || lines.linesRemoved === null;
    return { ...file, binary, linesAdded: lines.linesAdded ?? 0, linesRemoved: lines.linesRemoved ?? 0 };
  });
}
