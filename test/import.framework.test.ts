import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJournalEvent } from '../events/registry.js';
import { verifyRun } from '../src/audit/verify-runs.js';
import { IMPORT_FORMATS } from '../src/cli/choices.js';
import { importFormats } from '../src/import/registry.js';
import { IMPORT_STAGING_DIR } from '../src/import/run-file.js';
import { CLI, runNode } from './helpers/child.js';
import { copyFixture, importJson, IMPORT_FIXTURES, runFolders, runImport, runJournal } from './helpers/imports.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * What every importer gets from the framework (src/import/): ordinary journals that verify, a
 * RunStarted that says the run was imported and from which source, run ids from the source's hash
 * (idempotent; --force for a new run), runs written whole or not at all, refused sources named with
 * their line and counted in exit code 1.
 */

const AIDER_DIFF = path.join(IMPORT_FIXTURES, 'aider/2026-01-10-09-30-00--gpt-4o-diff');
const AIDER_WHOLE = path.join(IMPORT_FIXTURES, 'aider/2026-01-11-09-30-00--gpt-4o-whole');

describe('runledger import: the framework', () => {
  it('lists in --help the formats the registry has', () => {
    expect(IMPORT_FORMATS).toEqual(importFormats());
  });

  it('writes journals that verify, with imported: true and source format, file and sha256 in the config', async () => {
    const dir = tempDir();
    const { code, stderr, report } = await importJson('aider', [AIDER_DIFF], dir);
    expect(code).toBe(0);
    // No progress bar when stderr is not a terminal.
    expect(stderr).toBe('');
    expect(report.refused).toEqual([]);
    const [run] = report.runs;
    expect(run).toMatchObject({ kind: 'imported', issues: 7 });
    expect(verifyRun(dir, run!.runId)).toMatchObject({ verdict: 'intact', corruption: null, tornTail: null });

    const lines = runJournal(dir, run!.runId);
    lines.forEach((line, i) => expect(checkJournalEvent(line.type, line.data, i + 1)).toBeNull());
    const started = lines[0]!.data as { imported: boolean; config: { source: Record<string, unknown>; llm: { model: string } } };
    expect(started.imported).toBe(true);
    expect(started.config.llm.model).toBe('gpt-4o-2024-08-06');
    expect(started.config.source).toMatchObject({ format: 'aider', file: AIDER_DIFF });
    expect(started.config.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The run id derives from the source's hash.
    expect(run!.runId).toBe(`aider-${(started.config.source.sha256 as string).slice(0, 16)}`);
    expect(lines.at(-1)!.type).toBe('RunFinished');
  });

  it('is idempotent: the same source again names the run that holds it; --force makes a new run', async () => {
    const dir = tempDir();
    const first = await importJson('aider', [AIDER_DIFF], dir);
    const again = await importJson('aider', [AIDER_DIFF], dir);
    expect(again.code).toBe(0);
    expect(again.report.runs).toEqual([{ kind: 'already-imported', runId: first.report.runs[0]!.runId, label: AIDER_DIFF }]);
    expect(runFolders(dir)).toEqual([first.report.runs[0]!.runId]);

    const text = await runImport('aider', [AIDER_DIFF], dir);
    expect(text.stdout).toContain(`already imported as ${first.report.runs[0]!.runId}`);

    const forced = await importJson('aider', [AIDER_DIFF], dir, '--force');
    expect(forced.report.runs[0]!.kind).toBe('imported');
    expect(forced.report.runs[0]!.runId).toMatch(new RegExp(`^${first.report.runs[0]!.runId}-[0-9a-f]{8}$`));
    expect(runFolders(dir)).toHaveLength(2);
  });

  it('refuses a truncated source with its file and line, writes nothing of it, imports the others and exits 1 with the count', async () => {
    const dir = tempDir();
    const truncated = path.join(IMPORT_FIXTURES, 'aider/truncated-run');
    const result = await runImport('aider', [truncated, AIDER_WHOLE], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path.join(truncated, 'python/exercises/practice/two-fer/.aider.results.json')}:6: not valid JSON`);
    expect(result.stdout).toMatch(/1 run imported, 0 already there, 1 file refused\n$/);
    expect(runFolders(dir)).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, IMPORT_STAGING_DIR))).toEqual([]);
  });

  it('leaves no run at all when a source fails after its run was begun (truncated predictions)', async () => {
    const dir = tempDir();
    const { code, report } = await importJson('swe-bench', [path.join(IMPORT_FIXTURES, 'swe-bench/truncated')], dir);
    expect(code).toBe(1);
    expect(report.runs).toEqual([]);
    expect(report.refused).toHaveLength(1);
    expect(report.refused[0]!.code).toBe('IMPORT_INPUT_INVALID');
    expect(report.refused[0]!.message).toContain('truncated/all_preds.jsonl:4: not a JSON value');
    expect(runFolders(dir)).toEqual([]);
    // The staging folder of the run begun is gone too.
    expect(fs.readdirSync(path.join(dir, IMPORT_STAGING_DIR))).toEqual([]);
  });

  it('removes the staging folder a killed import left behind, and never one of a live import', async () => {
    const dir = tempDir();
    const exited = await runNode(['-e', 'process.stdout.write(String(process.pid))']);
    const staging = path.join(dir, IMPORT_STAGING_DIR);
    const dead = path.join(staging, `aider-0123456789abcdef.${exited.stdout}-0badf00d`);
    const live = path.join(staging, `aider-0123456789abcdef.${process.pid}-0badf00d`);
    for (const folder of [dead, live]) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'events.ndjson'), '{"v":1,"seq":1');
    }
    await importJson('aider', [AIDER_DIFF], dir);
    expect(fs.readdirSync(staging)).toEqual([path.basename(live)]);
  });

  it('shows a progress bar on a terminal (run under script(1), which gives it one)', async () => {
    const dir = tempDir();
    const command = [process.execPath, CLI, 'import', 'aider', AIDER_DIFF, '--dir', dir].map((a) => `'${a}'`).join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    // The last frame (7 of 7 exercise files) is always drawn, then the line is cleared for the report.
    expect(result.stdout).toContain(`\r\x1b[K${AIDER_DIFF}: [${'#'.repeat(30)}] 7/7 files`);
    expect(result.stdout).toContain('1 run imported, 0 already there, 0 files refused');
  });

  it('refuses a path of the wrong format, a missing path, and an unknown format', async () => {
    const dir = tempDir();
    const wrong = await importJson(
      'aider',
      [path.join(IMPORT_FIXTURES, 'aider-leaderboard/polyglot_leaderboard.yml'), '/no/such/run'],
      dir,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.report.refused.map((r) => r.code)).toEqual(['IMPORT_INPUT_INVALID', 'ENOENT']);
    expect(wrong.report.refused[0]!.message).toContain('does not look like aider input');

    const results = await runImport('aider', [AIDER_DIFF], dir, '--results', 'report.json');
    expect(results.code).toBe(2);
    expect(results.stderr).toContain('runledger import aider: option "--results" is not taken by this format');

    const unknown = await runImport('langsmith', [AIDER_DIFF], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('import format "langsmith" is not one of aider, aider-leaderboard, swe-bench');
    expect(runFolders(dir)).toEqual([]);
  });

  it('puts --config values into the config (numbers as numbers), redacts credentials, and refuses a bad pair before writing', async () => {
    const dir = tempDir();
    const { report } = await importJson(
      'aider',
      [AIDER_DIFF],
      dir,
      '--config',
      'llm.temperature=0',
      '--config',
      'api_key=sk-abcdefghijklmnopqrstuvwxyz',
      '--project',
      'bench',
    );
    const started = runJournal(dir, report.runs[0]!.runId)[0]!.data as { projectId: string; config: Record<string, unknown> };
    expect(started.projectId).toBe('bench');
    expect(started.config).toMatchObject({
      llm: { model: 'gpt-4o-2024-08-06', temperature: 0 },
      editFormat: 'diff',
      agent: 'aider',
      api_key: '[REDACTED]',
    });

    const other = tempDir();
    const bad = await runImport('aider', [AIDER_DIFF], other, '--config', 'temperature');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--config "temperature" is not key=value');
    expect(runFolders(other)).toEqual([]);
  });

  it('marks imported runs in `runs` and the HTML report, and keeps source.* out of the configurations compared', async () => {
    const dir = tempDir();
    await importJson('aider', [AIDER_DIFF, AIDER_WHOLE], dir);
    const runs = await runNode([CLI, 'runs', '--dir', dir]);
    expect(runs.stdout.match(/completed \(imported\)/g)).toHaveLength(2);
    expect(runs.stdout).toContain("2 run(s) imported from other harnesses' files");

    const out = path.join(dir, 'report.html');
    const html = await runNode([CLI, 'report', '--format', 'html', '--out', out, '--dir', dir]);
    expect(html.code).toBe(0);
    const page = fs.readFileSync(out, 'utf8');
    expect(page.match(/data-imported="true"/g)).toHaveLength(2);
    expect(page).toContain(`imported from aider: ${AIDER_DIFF}`);

    // `best` groups by every key that varies: editFormat and the aider-specific keys, never source.sha256 or source.file.
    const best = await runNode([CLI, 'best', '--json', '--dir', dir]);
    expect(best.stdout).not.toContain('source.sha256');
    expect(best.stdout).toContain('editFormat');
  });

  it('copies of a source in other places are the same source: the run id follows the bytes, not the path', async () => {
    const dir = tempDir();
    const copy = copyFixture('aider/2026-01-10-09-30-00--gpt-4o-diff', tempDir());
    const original = await importJson('aider', [AIDER_DIFF], dir);
    const copied = await importJson('aider', [copy], dir);
    expect(copied.report.runs[0]).toMatchObject({ kind: 'already-imported', runId: original.report.runs[0]!.runId });
  });
});
