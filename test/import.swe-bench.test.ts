import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchStats } from '../src/import/patch-stats.js';
import type { JournalLine } from './helpers/child.js';
import { importJson, IMPORT_FIXTURES, runJournal } from './helpers/imports.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * A SWE-bench evaluation run report (swebench/harness/reporting.py) with its predictions JSONL:
 * one run, one issue per instance id (kept, so two systems pair), outcome from the id lists, code
 * metrics from the patch, no cost (unknown).
 */

const SYSTEM_A = path.join(IMPORT_FIXTURES, 'swe-bench/system-a');
const REPORT_B = path.join(IMPORT_FIXTURES, 'swe-bench/system-b/claude-3-5-sonnet-20241022.eval.v2.json');

const finished = (lines: readonly JournalLine[]) =>
  Object.fromEntries(lines.filter((l) => l.type === 'IssueFinished').map((l) => [l.data.issueId, l.data.status]));

describe('runledger import swe-bench', () => {
  it('maps each judged instance to an issue with its outcome; incomplete instances are not issues', async () => {
    const dir = tempDir();
    const { report } = await importJson('swe-bench', [SYSTEM_A], dir);
    const lines = runJournal(dir, report.runs[0]!.runId);
    expect(finished(lines)).toEqual({
      'astropy__astropy-12907': 'completed',
      'django__django-11099': 'completed',
      'django__django-11133': 'completed',
      'matplotlib__matplotlib-23314': 'completed',
      'psf__requests-2317': 'failed',
      'pytest-dev__pytest-5227': 'failed',
      'sympy__sympy-20590': 'failed',
      'sphinx-doc__sphinx-8595': 'failed',
    });
    const config = lines[0]!.data.config as Record<string, unknown>;
    expect(config).toMatchObject({
      llm: { model: 'openai/gpt-4o-2024-08-06', provider: 'openai' },
      source: { format: 'swe-bench', evaluationRunId: 'eval-2025-01', incompleteInstances: 2, reportSchemaVersion: 2 },
    });
    // error_ids and empty_patch_ids are failures with their reason; infra_failure_ids are labelled.
    const errors = lines.filter((l) => l.type === 'ErrorRecorded').map((l) => [l.data.issueId, l.data.kind]);
    expect(errors).toEqual([
      ['sympy__sympy-20590', 'error'],
      ['sphinx-doc__sphinx-8595', 'empty-patch'],
    ]);
    const sympy = lines.find((l) => l.type === 'IssueStarted' && l.data.issueId === 'sympy__sympy-20590')!;
    expect(sympy.data.labels).toEqual(['error', 'infra-failure']);
  });

  it('counts the code a patch changes', async () => {
    const dir = tempDir();
    const { report } = await importJson('swe-bench', [SYSTEM_A], dir);
    const lines = runJournal(dir, report.runs[0]!.runId);
    const code = (id: string) => lines.find((l) => l.type === 'IssueFinished' && l.data.issueId === id)!.data.code;
    // Fixture patch 0: one modified file (+2 −1) and a new test file (+2).
    expect(code('astropy__astropy-12907')).toEqual({
      filesCreated: 1,
      filesModified: 1,
      filesDeleted: 0,
      linesAdded: 4,
      linesRemoved: 1,
      testsAdded: 0,
      coveragePercent: null,
    });
    expect(code('sphinx-doc__sphinx-8595')).toMatchObject({ filesModified: 0, linesAdded: 0 });
    expect(patchStats('diff --git a/x b/x\ndeleted file mode 100644\n--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n')).toMatchObject({
      filesDeleted: 1,
      filesModified: 0,
      linesRemoved: 1,
    });
  });

  it('reads the model from the predictions, the run id from the report name, and an older report without schema_version', async () => {
    const dir = tempDir();
    const { report } = await importJson('swe-bench', [REPORT_B], dir);
    const lines = runJournal(dir, report.runs[0]!.runId);
    expect(lines[0]!.data.config).toMatchObject({ llm: { model: 'claude-3-5-sonnet-20241022' }, source: { evaluationRunId: 'eval.v2' } });
    expect(Object.values(finished(lines)).filter((s) => s === 'completed')).toHaveLength(5);
  });

  it('has no cost in the source: the run cost is unknown, not $0', async () => {
    const dir = tempDir();
    const { report } = await importJson('swe-bench', [REPORT_B], dir);
    const tokens = runJournal(dir, report.runs[0]!.runId).filter((l) => l.type === 'TokensUsed');
    expect(tokens.map((l) => l.data)).toEqual([
      expect.objectContaining({ inputTokens: 0, outputTokens: 0, cost: null, priceSource: { kind: 'none' }, issueId: null }),
    ]);
  });
});
