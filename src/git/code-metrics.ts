import type { CodeMetrics } from '../../events/work.js';
import type { GitFileChange } from './diff-output.js';

/** The part of `finalizeIssue`'s code metrics a diff can tell: pass it as it is, or add `testsAdded` and `coveragePercent`. */
export type GitCodeMetrics = Pick<CodeMetrics, 'filesCreated' | 'filesModified' | 'filesDeleted' | 'linesAdded' | 'linesRemoved'>;

/**
 * Code metrics of a diff's files. A renamed file is a modified one (its path changed, and its
 * lines only as far as it was edited); a type change (file to symlink) is a modification; a copy
 * is a created file. Binary files count as files, never as lines.
 */
export function codeMetricsOf(files: readonly GitFileChange[]): GitCodeMetrics {
  const metrics = { filesCreated: 0, filesModified: 0, filesDeleted: 0, linesAdded: 0, linesRemoved: 0 };
  for (const file of files) {
    if (file.status === 'created' || file.status === 'copied') metrics.filesCreated += 1;
    else if (file.status === 'deleted') metrics.filesDeleted += 1;
    else metrics.filesModified += 1;
    metrics.linesAdded += file.linesAdded;
    metrics.linesRemoved += file.linesRemoved;
  }
  return metrics;
}
