import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableBatch } from '../src/durable/atomic-file.js';
import { replay } from '../replay/index.js';
import { replayPaths } from '../replay/replay-paths.js';
import { loadEventCheck, replayRunSteps } from '../replay/replay-run.js';
import { filesUnder } from './helpers/derived-files.js';
import { startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const ISSUES = 20;

/** A first replay of the run, in steps, staging into `batch`. */
async function stepsOfNewRun(dir: string, runId: string, batch: DurableBatch): Promise<ReturnType<typeof replayRunSteps>> {
  const journal = path.join(dir, 'runs', runId, 'events.ndjson');
  return replayRunSteps(replayPaths(dir), runId, undefined, false, batch, new Set(), fs.lstatSync(journal), await loadEventCheck());
}

/** The temporary files a batch has staged in a folder so far (they are renamed into place at its flush). */
const stagedIn = (dir: string): number => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')).length : 0);

describe("replayRunSteps: a run's replay in steps, for a live update on a supervisor's own thread (docs/DESIGN.md §7.4)", () => {
  it('makes a run of 20 issues in steps of at most 8 issues’ files, and the files a whole replay makes', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'many-issues' });
    for (let issue = 1; issue <= ISSUES; issue += 1) {
      c.startIssue(issue, { title: `issue ${issue}` });
      c.startAgent('coding');
      c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 1000 + issue, outputTokens: 200 });
      c.finalizeAgent({ success: true });
      c.finalizeIssue(issue, issue % 4 ? 'completed' : 'failed', { linesAdded: issue });
    }
    c.finalizeRun('completed');
    const issuesDir = path.join(dir, 'runs', 'many-issues', 'issues');

    const batch = new DurableBatch(1024);
    const steps = await stepsOfNewRun(dir, 'many-issues', batch);
    const stagedAtEachStep: number[] = [];
    let step = steps.next();
    while (!step.done) {
      stagedAtEachStep.push(stagedIn(issuesDir));
      step = steps.next();
    }
    await batch.flush();

    expect(step.value.kind).toBe('replayed');
    // A metrics and a report file per finished issue: 40 in all, never more than 16 made in one step.
    expect(stagedIn(issuesDir)).toBe(0);
    expect(fs.readdirSync(issuesDir)).toHaveLength(2 * ISSUES);
    const madePerStep = stagedAtEachStep.map((staged, i) => staged - (stagedAtEachStep[i - 1] ?? 0));
    expect(Math.max(...madePerStep)).toBeLessThanOrEqual(16);
    expect(stagedAtEachStep.at(-1)).toBe(2 * ISSUES);

    const stepped = filesUnder(path.join(dir, 'runs'));
    fs.rmSync(path.join(dir, 'runs', 'many-issues', 'issues'), { recursive: true });
    fs.rmSync(path.join(dir, 'runs', 'many-issues', 'metadata.json'));
    fs.rmSync(path.join(dir, 'runs', 'many-issues', 'final_report.json'));
    await replay({ dir, full: true });
    expect(filesUnder(path.join(dir, 'runs'))).toEqual(stepped);
  });

  it('asks the writer’s lock in the step that read the lines: a writer that finishes during a later step does not make the run look crashed', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'finishing' });
    c.startIssue(1, { title: 'one' });
    c.finalizeIssue(1, 'completed');
    const batch = new DurableBatch();
    const steps = await stepsOfNewRun(dir, 'finishing', batch);
    expect(steps.next().done).toBe(false); // the lines read, the lock asked
    c.finalizeRun('completed'); // RunFinished appended and the lock let go, between two steps
    let step = steps.next();
    while (!step.done) step = steps.next();
    await batch.flush();
    expect(step.value.entry).toMatchObject({ unfinished: true, writerAlive: true });
    const metadata = JSON.parse(fs.readFileSync(path.join(dir, 'runs', 'finishing', 'metadata.json'), 'utf8')) as { status: string };
    expect(metadata.status).toBe('running');
  });
});
