import type { CodeMetrics } from '../../events/work.js';

/**
 * What a unified diff (a SWE-bench `model_patch`, `git diff` output) changes: files created,
 * deleted and modified (by their `new file mode` / `deleted file mode` headers), lines added and
 * removed (`+`/`-` lines outside the `+++`/`---` headers). Tests added and coverage are not in a
 * patch: 0 and unknown.
 */
export function patchStats(patch: string): CodeMetrics {
  let files = 0;
  let created = 0;
  let deleted = 0;
  let added = 0;
  let removed = 0;
  let inHeader = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      files += 1;
      inHeader = true;
    } else if (line.startsWith('@@')) inHeader = false;
    else if (inHeader) {
      if (line.startsWith('new file mode')) created += 1;
      else if (line.startsWith('deleted file mode')) deleted += 1;
    } else if (line.startsWith('+')) added += 1;
    else if (line.startsWith('-')) removed += 1;
  }
  return {
    filesCreated: created,
    filesModified: Math.max(0, files - created - deleted),
    filesDeleted: deleted,
    linesAdded: added,
    linesRemoved: removed,
    testsAdded: 0,
    coveragePercent: null,
  };
}

export const NO_CODE_METRICS: CodeMetrics = {
  filesCreated: 0,
  filesModified: 0,
  filesDeleted: 0,
  linesAdded: 0,
  linesRemoved: 0,
  testsAdded: 0,
  coveragePercent: null,
};
