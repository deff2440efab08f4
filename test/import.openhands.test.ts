import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyRun } from '../src/audit/verify-runs.js';
import { IMPORT_FIXTURE_DIR, importHere, journalOf, journalText, runModels } from './helpers/import-in-process.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * OpenHands' evaluation output.jsonl: one EvalOutput per line (evaluation/utils/shared.py), each
 * line one issue; tool calls from the history's actions and their observations; tokens and
 * accumulated_cost from metrics; the outcome from eval_infer's test_result.report.
 */

const FIXTURES = path.join(IMPORT_FIXTURE_DIR, 'openhands');
const OUTPUT = path.join(FIXTURES, 'run/output.jsonl');

describe('runledger import openhands', () => {
  it('imports output.jsonl: one issue per line, config from metadata, outcome from test_result.report', async () => {
    const dir = tempDir();
    const report = await importHere('openhands', [path.dirname(OUTPUT)], dir);
    expect(report.refused).toEqual([]);
    expect(report.runs[0]).toMatchObject({ kind: 'imported', issues: 4 });
    expect(verifyRun(dir, report.runs[0]!.runId)).toMatchObject({ verdict: 'intact' });
    const models = await runModels(dir);
    expect(models.run.config).toMatchObject({
      llm: { model: 'anthropic/claude-3-5-sonnet-20241022', provider: 'anthropic', temperature: 0, top_p: 1 },
      agent: 'CodeActAgent',
      maxIterations: 100,
      openhandsCommit: '1a2b3c4d5e',
      dataset: 'princeton-nlp/SWE-bench_Lite',
      source: { format: 'openhands', instances: 4 },
    });
    expect(journalText(dir, report.runs[0]!.runId)).not.toContain('OPENHANDSSECRET');
    // Naive ISO times (OpenHands' datetime.now().isoformat()) read as UTC; the run starts at the first event.
    expect(models.run.startedAt).toBe('2026-01-02T10:00:00.000Z');

    const byId = new Map(models.issues.map((i) => [i.issueId, i]));
    expect(byId.get('django__django-11099')).toMatchObject({ status: 'completed', toolCalls: 2, toolFailures: 0, firstTimeRight: true });
    expect(byId.get('django__django-11099')!.code).toMatchObject({ filesModified: 1, linesAdded: 2, linesRemoved: 1 });
    expect(byId.get('astropy__astropy-12907')).toMatchObject({
      status: 'failed',
      labels: ['failed-apply-patch'],
      toolCalls: 2,
      toolFailures: 2,
    });
    expect(byId.get('sympy__sympy-20590')).toMatchObject({ status: 'failed', labels: ['error'], errors: 1 });
    expect(byId.get('sphinx-doc__sphinx-8435')).toMatchObject({ status: 'skipped', labels: ['not-evaluated'], toolCalls: 1 });

    // Tool calls: the action names; durations from the action to its observation.
    const ended = journalOf(dir, report.runs[0]!.runId).filter((l) => l.type === 'ToolCallEnded');
    expect(ended.map((l) => [l.data.tool, l.data.success, l.data.durationMs, l.data.error])).toEqual([
      ['run', true, 1500, null],
      ['edit', true, 250, null],
      ['run', false, 30000, 'exit code 1'],
      ['read', false, 100, 'File not found: /nope'],
      ['run', false, null, 'no observation was recorded for this action'],
      ['run', true, 1000, null],
    ]);

    // Tokens: accumulated_token_usage (else token_usages summed); accumulated_cost reported; no metrics: unknown.
    expect(byId.get('django__django-11099')!.tokens).toMatchObject({
      inputTokens: 90000,
      outputTokens: 2000,
      cacheReadTokens: 60000,
      cacheWriteTokens: 10000,
      reportedRecords: 1,
    });
    expect(byId.get('django__django-11099')!.tokens.costUsd).toBeCloseTo(0.35, 10);
    expect(byId.get('astropy__astropy-12907')!.tokens).toMatchObject({ inputTokens: 30000, outputTokens: 1200, cacheReadTokens: 5000 });
    expect(byId.get('sympy__sympy-20590')!.tokens).toMatchObject({ unpricedRecords: 1, reportedRecords: 0 });
  });

  it('refuses a truncated output.jsonl with the file and line named, and writes nothing', async () => {
    const dir = tempDir();
    const truncated = path.join(FIXTURES, 'truncated/output.jsonl');
    const report = await importHere('openhands', [truncated], dir);
    expect(report.runs).toEqual([]);
    expect(report.refused).toEqual([
      expect.objectContaining({
        path: truncated,
        code: 'IMPORT_INPUT_INVALID',
        message: expect.stringContaining(`${truncated}:3: not a JSON value`),
      }),
    ]);
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false);
  });

  it('refuses --results: OpenHands lines carry their own outcome', async () => {
    const dir = tempDir();
    await expect(importHere('openhands', [OUTPUT], dir, { results: OUTPUT })).rejects.toThrow(/--results.*not taken by this format/);
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false);
  });

  it('streams a 10,000-line output.jsonl into one run of 10,000 issues', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'output.jsonl');
    const [first] = fs.readFileSync(OUTPUT, 'utf8').split('\n');
    const template = JSON.parse(first!) as Record<string, unknown>;
    const out = fs.openSync(file, 'w');
    for (let i = 0; i < 10_000; i += 1)
      fs.writeSync(out, `${JSON.stringify({ ...template, history: [], instance_id: `repo__repo-${i}` })}\n`);
    fs.closeSync(out);
    const report = await importHere('openhands', [file], dir);
    expect(report.refused).toEqual([]);
    expect(report.runs[0]).toMatchObject({ kind: 'imported', issues: 10_000 });
    const runId = report.runs[0]!.runId;
    expect(verifyRun(dir, runId)).toMatchObject({ verdict: 'intact' });
    const lines = journalOf(dir, runId);
    expect(lines.filter((l) => l.type === 'IssueFinished' && l.data.status === 'completed')).toHaveLength(10_000);
    expect(lines.filter((l) => l.type === 'TokensUsed' && l.data.reportedCostUsd === 0.35)).toHaveLength(10_000);
  });
});
