import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyRun } from '../src/audit/verify-runs.js';
import { buildEvalLog } from './helpers/eval-zip.js';
import { IMPORT_FIXTURE_DIR, importHere, journalOf, runModels } from './helpers/import-in-process.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * Inspect AI `.eval` logs (inspect_ai/log/_recorders/eval.py: a zip of header.json,
 * samples/<id>_epoch_<n>.json, _journal/start.json while running): one run per log, one issue per
 * sample and epoch, config from eval.model / eval.config, tokens from model_usage.
 */

const FIXTURES = path.join(IMPORT_FIXTURE_DIR, 'inspect');

describe('runledger import inspect', () => {
  it('imports a finished log: one issue per sample and epoch, scored by the first scorer, tokens per model', async () => {
    const dir = tempDir();
    const log = buildEvalLog(path.join(FIXTURES, 'finished'), path.join(dir, '2026-01-03T09-00-00+00-00_coding-fix_Vx8fG2kQ.eval'));
    const report = await importHere('inspect', [log], dir);
    expect(report.refused).toEqual([]);
    expect(report.runs[0]).toMatchObject({ kind: 'imported', issues: 4 });
    expect(verifyRun(dir, report.runs[0]!.runId)).toMatchObject({ verdict: 'intact' });
    const models = await runModels(dir);
    expect(models.run.config).toMatchObject({
      llm: { model: 'openai/gpt-4o-2024-08-06', provider: 'openai', temperature: 0.2, max_tokens: 4096 },
      agent: 'basic_agent',
      task: 'coding_fix',
      epochs: 2,
      epochs_reducer: ['mean'],
      message_limit: 30,
      inspectVersion: '0.3.140',
      source: { format: 'inspect', evalId: 'Vx8fG2kQe7bNwYpL3mRtAa', logStatus: 'success', samples: 4 },
    });
    // Operational settings are no configuration.
    expect(models.run.config).not.toHaveProperty('max_samples');
    expect(models.run).toMatchObject({ status: 'completed', startedAt: '2026-01-03T09:00:01.000Z', durationMs: 600_000 });

    const byId = new Map(models.issues.map((i) => [i.issueId, i]));
    expect([...byId.keys()]).toEqual(['1_epoch_1', '1_epoch_2', '2_epoch_1', '2_epoch_2']);
    expect(byId.get('1_epoch_1')).toMatchObject({
      status: 'completed',
      durationMs: 30_000,
      toolCalls: 2,
      toolFailures: 1,
      firstTimeRight: true,
    });
    expect(byId.get('1_epoch_2')).toMatchObject({ status: 'failed', toolCalls: 0 });
    // An errored sample fails whatever its score; its retried attempt is a failed attempt before it.
    expect(byId.get('2_epoch_1')).toMatchObject({ status: 'failed', labels: ['error', 'limit-message'], agentAttempts: 2, errors: 2 });
    expect(byId.get('2_epoch_2')).toMatchObject({ status: 'skipped', labels: ['not-evaluated'], toolCalls: 2, toolFailures: 1 });

    // Inspect's input_tokens exclude the cached ones: runledger's input count includes them.
    expect(byId.get('1_epoch_1')!.tokens).toMatchObject({ inputTokens: 1500, outputTokens: 200, cacheReadTokens: 500, reportedRecords: 1 });
    expect(byId.get('1_epoch_1')!.tokens.costUsd).toBeCloseTo(0.0042, 10);
    expect(byId.get('2_epoch_2')!.tokens).toMatchObject({ unpricedRecords: 1, inputTokens: 0 });

    const ended = journalOf(dir, report.runs[0]!.runId).filter((l) => l.type === 'ToolCallEnded');
    expect(ended.map((l) => [l.data.tool, l.data.success, l.data.durationMs, l.data.error])).toEqual([
      ['bash', true, 1500, null],
      ['python', false, 250, 'invalid syntax'],
      ['bash', true, null, null],
      ['text_editor', false, null, 'no such file'],
    ]);
  });

  it('imports a log still running (only _journal/start.json) as an interrupted run of the samples written so far', async () => {
    const dir = tempDir();
    const log = buildEvalLog(path.join(FIXTURES, 'running'), path.join(dir, 'running.eval'));
    const report = await importHere('inspect', [log], dir);
    expect(report.refused).toEqual([]);
    const models = await runModels(dir);
    expect(models.run).toMatchObject({ status: 'interrupted', durationMs: null });
    expect(models.run.statusReason).toContain('still running');
    expect(models.run.config).toMatchObject({ source: { logStatus: 'started', samples: 1 } });
    expect(models.issues.map((i) => [i.issueId, i.status])).toEqual([['1_epoch_1', 'completed']]);
  });

  it('imports every log of a folder as its own run, and the same logs again as nothing new', async () => {
    const dir = tempDir();
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    buildEvalLog(path.join(FIXTURES, 'finished'), path.join(logs, 'a.eval'));
    buildEvalLog(path.join(FIXTURES, 'running'), path.join(logs, 'b.eval'));
    const report = await importHere('inspect', [logs], dir);
    expect(report.runs.map((r) => r.kind)).toEqual(['imported', 'imported']);
    const again = await importHere('inspect', [logs], dir);
    expect(again.runs.map((r) => r.kind)).toEqual(['already-imported', 'already-imported']);
  });

  it('refuses a truncated log with the file named, and writes nothing', async () => {
    const dir = tempDir();
    const log = buildEvalLog(path.join(FIXTURES, 'finished'), path.join(dir, 'whole.eval'));
    const truncated = path.join(dir, 'truncated.eval');
    const bytes = fs.readFileSync(log);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const report = await importHere('inspect', [truncated], dir);
    expect(report.runs).toEqual([]);
    expect(report.refused).toEqual([
      expect.objectContaining({
        path: truncated,
        code: 'IMPORT_INPUT_INVALID',
        message: expect.stringContaining(`${truncated}: not a readable zip`),
      }),
    ]);
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false);
  });
});
