import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyRun } from '../src/audit/verify-runs.js';
import { IMPORT_FIXTURE_DIR, importHere, journalOf, journalText, runModels } from './helpers/import-in-process.js';
import { CLI, runNode } from './helpers/child.js';
import { importJson } from './helpers/imports.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * SWE-agent (*.traj) and mini-swe-agent (*.traj.json) trajectories: one issue per trajectory, one
 * tool call per action, the model's tokens and instance_cost, success from a joined SWE-bench
 * report. Fixtures follow sweagent/types.py + agents.py get_trajectory_data and mini-swe-agent's
 * DefaultAgent.serialize (formats 1.1 and 1).
 */

const FIXTURES = path.join(IMPORT_FIXTURE_DIR, 'swe-agent');
const SWEAGENT_RUN = path.join(FIXTURES, 'sweagent-run');
const MINI_RUN = path.join(FIXTURES, 'mini-run');
const REPORT = path.join(FIXTURES, 'report.json');

describe('runledger import swe-agent', () => {
  it('imports a SWE-agent run folder: one issue per trajectory, a tool call per action with its execution_time, tokens and instance_cost', async () => {
    const dir = tempDir();
    const report = await importHere('swe-agent', [SWEAGENT_RUN], dir, { results: REPORT });
    expect(report.refused).toEqual([]);
    const [outcome] = report.runs;
    expect(outcome).toMatchObject({ kind: 'imported', issues: 3 });
    expect(verifyRun(dir, outcome!.runId)).toMatchObject({ verdict: 'intact' });

    const models = await runModels(dir);
    expect(models.run.imported).toBe(true);
    expect(models.run.config).toMatchObject({
      llm: { model: 'claude-3-5-sonnet-20241022', temperature: 0, top_p: 1 },
      agent: 'swe-agent',
      agentVersion: '1.1.0',
      agentType: 'default',
      source: { format: 'swe-agent', trajectories: 3, results: path.resolve(REPORT) },
    });
    const byId = new Map(models.issues.map((i) => [i.issueId, i]));
    // Joined with the report: astropy resolved, django unresolved, sympy not in the report's judged ids.
    expect(byId.get('astropy__astropy-12907')).toMatchObject({ status: 'completed', toolCalls: 4, firstTimeRight: true, labels: [] });
    expect(byId.get('astropy__astropy-12907')!.code).toMatchObject({ filesModified: 1, linesAdded: 1, linesRemoved: 1 });
    expect(byId.get('django__django-11099')).toMatchObject({ status: 'failed', toolCalls: 2, labels: ['unresolved'] });
    expect(byId.get('sympy__sympy-20590')).toMatchObject({ status: 'skipped', labels: ['not-in-results', 'no-exit-status'] });

    // One tool per action's first word; durations are the steps' execution_time.
    const tools = new Map(models.tools.map((t) => [t.tool, t]));
    expect(tools.get('str_replace_editor')).toMatchObject({ calls: 2, totalDurationMs: 1250 });
    expect(tools.get('submit')).toMatchObject({ calls: 1, totalDurationMs: 1500 });
    expect(tools.get('find')?.calls).toBe(1);

    // Tokens as counted (tokens_sent/received), instance_cost as the reported cost; no model_stats: cost unknown.
    expect(byId.get('astropy__astropy-12907')!.tokens).toMatchObject({ inputTokens: 120000, outputTokens: 3000, reportedRecords: 1 });
    expect(byId.get('astropy__astropy-12907')!.tokens.costUsd).toBeCloseTo(0.42, 10);
    expect(byId.get('sympy__sympy-20590')!.tokens).toMatchObject({ unpricedRecords: 1, inputTokens: 0 });
    expect(models.run.tokens.unpricedRecords).toBe(1);

    // The exits that are not submissions are errors of the issue.
    const kinds = models.errors.map((e) => `${e.issueId}:${e.kind}`).sort();
    expect(kinds).toEqual(['django__django-11099:exit-status', 'sympy__sympy-20590:no-exit-status']);
  });

  it('never writes a credential of the trajectory config (replay_config, info.config) into the journal', async () => {
    const dir = tempDir();
    const report = await importHere('swe-agent', [SWEAGENT_RUN], dir);
    const mini = await importHere('swe-agent', [MINI_RUN], dir);
    for (const runId of [report.runs[0]!.runId, mini.runs[0]!.runId]) {
      const text = journalText(dir, runId);
      expect(text).not.toMatch(/SWEAGENTSECRET|MINISECRET|MINIENVSECRET|api_key/);
    }
    const started = journalOf(dir, mini.runs[0]!.runId)[0]!.data as { config: { llm: Record<string, unknown> } };
    expect(started.config.llm).toEqual({
      model: 'anthropic/claude-sonnet-4-5-20250929',
      provider: 'anthropic',
      temperature: 0,
      drop_params: true,
    });
  });

  it('without --results an issue is not evaluated: skipped and labelled so, never a success; the agent succeeded when it submitted', async () => {
    const dir = tempDir();
    await importHere('swe-agent', [SWEAGENT_RUN], dir);
    const models = await runModels(dir);
    expect(models.issues.map((i) => [i.issueId, i.status, i.labels])).toEqual([
      ['astropy__astropy-12907', 'skipped', ['not-evaluated']],
      ['django__django-11099', 'skipped', ['not-evaluated']],
      ['sympy__sympy-20590', 'skipped', ['not-evaluated', 'no-exit-status']],
    ]);
    expect(models.run.successRate).toBe(0);
    expect(models.run.issues).toMatchObject({ total: 3, completed: 0, skipped: 3 });
    expect(models.agents.map((a) => a.status)).toEqual(['succeeded', 'failed', 'failed']);
  });

  it('imports mini-swe-agent trajectories of both formats: tool calls from actions, exit codes from observations, usage from responses', async () => {
    const dir = tempDir();
    const report = await importHere('swe-agent', [MINI_RUN], dir, { results: REPORT });
    expect(report.refused).toEqual([]);
    const models = await runModels(dir);
    expect(models.run.config).toMatchObject({ agent: 'mini-swe-agent', agentVersion: '1.14.2', stepLimit: 250, costLimit: 3 });
    const byId = new Map(models.issues.map((i) => [i.issueId, i]));
    const astropy = byId.get('astropy__astropy-12907')!;
    expect(astropy).toMatchObject({ status: 'completed', toolCalls: 4, toolFailures: 2 });
    // Timestamps from the messages: 2026-01-01T00:00:00Z to the last stamped message.
    expect(astropy.startedAt).toBe('2026-01-01T00:00:00.000Z');
    // Summed usage of the three responses (prompt tokens include the cached ones), instance_cost reported.
    expect(astropy.tokens).toMatchObject({ inputTokens: 18000, outputTokens: 600, cacheReadTokens: 15000, reportedRecords: 1 });
    expect(astropy.tokens.costUsd).toBeCloseTo(0.0765, 10);
    const bash = journalOf(dir, report.runs[0]!.runId).filter((l) => l.type === 'ToolCallEnded');
    // One action in its message: timed from the message to its observation (2.5 s); two in one message: not timed.
    expect(bash.slice(0, 4).map((l) => [l.data.tool, l.data.success, l.data.durationMs, l.data.error])).toEqual([
      ['grep', true, 2500, null],
      ['python', true, null, null],
      ['cat', false, null, 'exit code 1'],
      // The final submit command has no observation: the exit message ended the run.
      ['echo', false, null, 'no observation was recorded for this action'],
    ]);
    // Format 1: a ```bash block per message (two blocks is a format error, no call), <returncode> in the text.
    const django = byId.get('django__django-11099')!;
    expect(django).toMatchObject({ status: 'failed', toolCalls: 2, toolFailures: 1 });
    // instance_cost 0 after 3 API calls is LiteLLM not pricing the model: unknown, not free.
    expect(django.tokens).toMatchObject({ unpricedRecords: 1, reportedRecords: 0 });
  });

  it('refuses a truncated trajectory with its file and line named, and writes nothing', async () => {
    const dir = tempDir();
    const report = await importHere('swe-agent', [path.join(FIXTURES, 'truncated')], dir);
    expect(report.runs).toEqual([]);
    expect(report.refused).toHaveLength(1);
    expect(report.refused[0]!.code).toBe('IMPORT_INPUT_INVALID');
    expect(report.refused[0]!.message).toMatch(/astropy__astropy-12907\.traj:\d+: not valid JSON/);
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false);
  });

  it('is idempotent, and the joined report is part of the run identity', async () => {
    const dir = tempDir();
    const first = await importHere('swe-agent', [SWEAGENT_RUN], dir);
    const again = await importHere('swe-agent', [SWEAGENT_RUN], dir);
    expect(again.runs).toEqual([{ kind: 'already-imported', runId: first.runs[0]!.runId, label: SWEAGENT_RUN }]);
    const joined = await importHere('swe-agent', [SWEAGENT_RUN], dir, { results: REPORT });
    expect(joined.runs[0]).toMatchObject({ kind: 'imported' });
    expect(joined.runs[0]!.runId).not.toBe(first.runs[0]!.runId);
  });
});

describe('runledger import swe-agent (CLI)', () => {
  it('joins --results from the command line, and exits 1 naming the refused file with the others imported', async () => {
    const dir = tempDir();
    const truncated = path.join(FIXTURES, 'truncated');
    const { code, report } = await importJson('swe-agent', [MINI_RUN, truncated], dir, '--results', REPORT);
    expect(code).toBe(1);
    expect(report.runs).toEqual([expect.objectContaining({ kind: 'imported', issues: 2 })]);
    expect(report.refused).toEqual([expect.objectContaining({ path: truncated, code: 'IMPORT_INPUT_INVALID' })]);
    const models = await runModels(dir);
    expect(models.run.config).toMatchObject({ source: { results: REPORT } });
    expect(models.issues.map((i) => i.status)).toEqual(['completed', 'failed']);
  });
});

describe('two agents on the same instances, joined with their SWE-bench reports', () => {
  it('compare --by agent pairs them on the shared instance ids', async () => {
    const dir = tempDir();
    expect((await importHere('swe-agent', [SWEAGENT_RUN], dir, { results: REPORT })).runs[0]!.kind).toBe('imported');
    expect((await importHere('swe-agent', [MINI_RUN], dir, { results: REPORT })).runs[0]!.kind).toBe('imported');
    const result = await runNode([CLI, 'compare', '--by', 'agent', '--baseline', 'swe-agent', '--json', '--dir', dir]);
    expect(result.code).toBe(0);
    const groups = (
      JSON.parse(result.stdout) as {
        groups: Array<{ label: string; issues: number; completedIssues: number; versusBaseline?: { test: string; sharedIssues: number } }>;
      }
    ).groups;
    const mini = groups.find((g) => g.label === 'mini-swe-agent')!;
    // swe-agent: 3 issues (sympy not judged by the report: skipped), mini-swe-agent: 2; astropy and django are shared.
    expect(groups.find((g) => g.label === 'swe-agent')).toMatchObject({ issues: 3, completedIssues: 1 });
    expect(mini).toMatchObject({ issues: 2, completedIssues: 1 });
    expect(mini.versusBaseline).toMatchObject({ test: 'mcnemar-exact', sharedIssues: 2 });
  });
});
