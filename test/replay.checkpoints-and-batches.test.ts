import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DurableBatch } from '../src/durable/atomic-file.js';
import { replay } from '../replay/index.js';
import { MetricsCollector, PriceBook } from '../src/index.js';
import { filesUnder } from './helpers/derived-files.js';
import { tempDir } from './helpers/temp-dir.js';

const CONFIG = { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3 };
const PRICES = new PriceBook({ overrideFile: null, onUnpriced: () => {} });

function clockFrom(start: string): () => Date {
  let ms = Date.parse(start);
  return () => new Date((ms += 1000));
}

const options = (dir: string) =>
  ({
    dir,
    handleSignals: false,
    prices: null,
    priceBook: PRICES,
    liveUpdates: false,
    clock: clockFrom('2025-02-01T00:00:00.000Z'),
  }) as const;

function issue(c: MetricsCollector, id: number): void {
  c.startIssue(id, { title: `issue ${id}` });
  const agent = c.startAgent('coding');
  c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 100 * id, outputTokens: 10 * id });
  c.finalizeAgent({ agentId: agent, success: true });
  c.finalizeIssue(id, 'completed', { linesAdded: 10 * id });
}

/** Every derived file of a logs folder but replay's index (which records journal mtimes) and the journals. */
function derived(dir: string): Record<string, string> {
  return Object.fromEntries(
    [...filesUnder(dir).entries()]
      .filter(([file]) => !file.endsWith('events.ndjson') && file !== '.replay/index.json' && !file.startsWith('.replay/runs/'))
      .map(([file, bytes]) => [file, bytes.toString('utf8')]),
  );
}

/** The reference: the journals alone, copied into a fresh folder and replayed from nothing. */
async function fromScratch(dir: string): Promise<Record<string, string>> {
  const copy = tempDir('runledger-scratch-');
  for (const runId of fs.readdirSync(path.join(dir, 'runs'))) {
    fs.mkdirSync(path.join(copy, 'runs', runId), { recursive: true });
    fs.copyFileSync(path.join(dir, 'runs', runId, 'events.ndjson'), path.join(copy, 'runs', runId, 'events.ndjson'));
  }
  await replay({ dir: copy });
  return derived(copy);
}

describe('replay checkpoints and durable batches', () => {
  it('a crash between writing a run state and saving the index does not count the events after the old checkpoint twice', async () => {
    const dir = tempDir();
    const first = await MetricsCollector.start({ ...options(dir), runId: 'run-crash', projectId: 'checkpoints', config: CONFIG });
    issue(first, 1);
    first.close(); // crashed: no RunFinished, so it can be resumed
    await replay({ dir });
    const oldIndex = fs.readFileSync(path.join(dir, '.replay', 'index.json'));
    const log = path.join(dir, '.replay', 'index-pending.ndjson');
    const oldLog = fs.existsSync(log) ? fs.readFileSync(log) : null;

    const second = await MetricsCollector.resume({ ...options(dir), runId: 'run-crash' });
    issue(second, 2);
    second.finalizeRun('completed');
    await replay({ dir });
    // As if the process had died after the state files were renamed and before the index was saved
    // (index.json written whole, or the run's entry appended to the pending log).
    fs.writeFileSync(path.join(dir, '.replay', 'index.json'), oldIndex);
    if (oldLog === null) fs.rmSync(log, { force: true });
    else fs.writeFileSync(log, oldLog);
    const report = await replay({ dir });

    expect(report.runs[0]).toMatchObject({ runId: 'run-crash', outcome: 'replayed', fromScratch: true });
    expect(derived(dir)).toEqual(await fromScratch(dir));
    const metadata = JSON.parse(fs.readFileSync(path.join(dir, 'runs', 'run-crash', 'metadata.json'), 'utf8')) as {
      issues: { total: number };
    };
    expect(metadata.issues.total).toBe(2);
  });

  it('a full replay of unchanged journals keeps the derived files; one deleted is made again', async () => {
    const dir = tempDir();
    const c = await MetricsCollector.start({ ...options(dir), runId: 'run-full', projectId: 'checkpoints', config: CONFIG });
    issue(c, 1);
    c.finalizeRun('completed');
    await replay({ dir });
    const metadata = path.join(dir, 'runs', 'run-full', 'metadata.json');
    const inode = fs.statSync(metadata).ino;

    const kept = await replay({ dir, full: true });
    expect(kept.runs[0]).toMatchObject({ outcome: 'replayed', fromScratch: true, newEvents: 7 });
    expect(fs.statSync(metadata).ino).toBe(inode);

    fs.rmSync(metadata);
    await replay({ dir, full: true });
    expect(derived(dir)).toEqual(await fromScratch(dir));
  });

  it("an incremental replay copies the unchanged runs' rows from the last tables and reads only the changed runs' fragments", async () => {
    const dir = tempDir();
    for (const [runId, day] of [
      ['run-1', '01'],
      ['run-2', '02'],
      ['run-3', '03'],
    ] as const) {
      const c = await MetricsCollector.start({
        ...options(dir),
        clock: clockFrom(`2025-02-${day}T00:00:00.000Z`),
        runId,
        projectId: 'checkpoints',
        config: CONFIG,
      });
      issue(c, 1);
      if (runId === 'run-2') c.close();
      else c.finalizeRun('completed');
    }
    await replay({ dir });
    // A fragment of an unchanged run, spoiled: only a copy from the last tables can still give the right rows.
    const rowsOfRun1 = path.join(dir, '.replay', 'runs', 'run-1.rows');
    const spoiled = fs.readFileSync(rowsOfRun1, 'utf8').replaceAll('deepseek-chat', 'spoiled-model');
    fs.writeFileSync(rowsOfRun1, spoiled);

    const resumed = await MetricsCollector.resume({ ...options(dir), runId: 'run-2' });
    issue(resumed, 2);
    resumed.finalizeRun('completed');
    const late = await MetricsCollector.start({
      ...options(dir),
      clock: clockFrom('2025-02-04T00:00:00.000Z'),
      runId: 'run-4',
      projectId: 'checkpoints',
      config: CONFIG,
    });
    issue(late, 1);
    late.finalizeRun('completed');
    await replay({ dir });
    expect(derived(dir)).toEqual(await fromScratch(dir));

    // Tables changed behind replay's back are not copied from: everything comes from the fragments again.
    // (The same size, one model name changed in place: only the file's mtime tells.)
    const runsCsv = path.join(dir, 'csv', 'runs.csv');
    fs.writeFileSync(runsCsv, fs.readFileSync(runsCsv, 'utf8').replace('deepseek-chat', 'deepseek-chaT'));
    fs.writeFileSync(rowsOfRun1, spoiled.replaceAll('spoiled-model', 'deepseek-chat'));
    const again = await MetricsCollector.start({
      ...options(dir),
      clock: clockFrom('2025-02-05T00:00:00.000Z'),
      runId: 'run-5',
      projectId: 'checkpoints',
      config: CONFIG,
    });
    issue(again, 1);
    again.finalizeRun('completed');
    await replay({ dir });
    expect(derived(dir)).toEqual(await fromScratch(dir));
  });

  it('a durable batch leaves an unchanged file untouched, puts every staged file in place on flush, and an abort leaves old contents', async () => {
    const dir = tempDir();
    const same = path.join(dir, 'same.json');
    const changed = path.join(dir, 'sub', 'changed.json');
    fs.writeFileSync(same, 'same');
    const sameInode = fs.statSync(same).ino;

    const batch = new DurableBatch(2);
    batch.write(same, 'same');
    batch.write(changed, 'v1');
    expect(fs.existsSync(changed)).toBe(false); // staged, not in place yet
    await batch.flushInBackground();
    batch.write(path.join(dir, 'third.json'), 'three');
    await batch.flush();
    expect(fs.statSync(same).ino).toBe(sameInode);
    expect(fs.readFileSync(changed, 'utf8')).toBe('v1');
    expect(fs.readFileSync(path.join(dir, 'third.json'), 'utf8')).toBe('three');

    batch.write(changed, 'v2');
    batch.remove(same);
    batch.abort();
    await batch.flush();
    expect(fs.readFileSync(changed, 'utf8')).toBe('v1');
    expect(fs.existsSync(same)).toBe(false); // a removal is done at once; only its folder's fsync waits for the flush
    const leftovers = [...filesUnder(dir).keys()].filter((file) => file.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });
});
