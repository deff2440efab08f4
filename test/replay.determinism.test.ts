import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type ReplayReport, type RunReplayReport } from '../replay/index.js';
import { MetricsCollector, PriceBook, verifyRun, type StartOptions } from '../src/index.js';
import { readLines } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

const CONFIG = { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3 };
const PRICES = new PriceBook({ overrideFile: null, onUnpriced: () => {} });

function tickingClock(start: string): () => Date {
  let ms = Date.parse(start);
  return () => {
    const now = new Date(ms);
    ms += 1000;
    return now;
  };
}

function start(dir: string, runId: string, startAt: string, overrides: Partial<StartOptions> = {}): Promise<MetricsCollector> {
  return MetricsCollector.start({
    dir,
    runId,
    projectId: 'determinism',
    config: CONFIG,
    handleSignals: false,
    prices: null,
    priceBook: PRICES,
    liveUpdates: false,
    clock: tickingClock(startAt),
    ...overrides,
  });
}

function resume(dir: string, runId: string): Promise<MetricsCollector> {
  return MetricsCollector.resume({ dir, runId, handleSignals: false, prices: null, priceBook: PRICES, liveUpdates: false });
}

/** Records one issue's worth of work on the collector's current state. */
function work(c: MetricsCollector, issueId: number, options: { finish?: boolean; errorMessage?: string } = {}): void {
  c.startIssue(issueId, { title: `issue ${issueId}`, labels: ['x'] });
  const agent = c.startAgent('coding');
  const call = c.startToolCall('git');
  c.endToolCall(call, { success: issueId % 2 === 0 });
  c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 100 * issueId, outputTokens: 10 * issueId });
  c.recordTokenUsage({ model: 'unpriced-local-model', inputTokens: 5, outputTokens: 1 });
  c.finalizeAgent({ agentId: agent, success: true });
  c.recordPipeline({
    pipelineId: `p${issueId}`,
    commitSha: `sha${issueId}`,
    status: issueId % 2 === 0 ? 'failed' : 'success',
    triggeredBy: 'testing',
  });
  c.recordDebuggingCycle({ trigger: 'pipeline_failed', resolved: true });
  c.recordError({ kind: 'tool_error', message: options.errorMessage ?? `error in ${issueId}`, recoverable: true });
  if (options.finish ?? true) c.finalizeIssue(issueId, 'completed', { linesAdded: 50 * issueId });
}

/** Three runs: finished, crashed (closed without RunFinished), finished. */
async function recordThreeRuns(dir: string): Promise<void> {
  const a = await start(dir, 'run-a', '2025-01-01T00:00:00.000Z');
  work(a, 1);
  work(a, 2);
  a.finalizeRun('completed');
  const b = await start(dir, 'run-b', '2025-01-02T00:00:00.000Z');
  work(b, 1);
  work(b, 2, { finish: false });
  b.close();
  const c = await start(dir, 'run-c', '2025-01-03T00:00:00.000Z');
  work(c, 1);
  c.finalizeRun('failed', 'tests red');
}

/** Every derived file (CSV tables and the per-run JSON), by path relative to the logs folder. */
function derivedFiles(logsDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const csvDir = path.join(logsDir, 'csv');
  if (fs.existsSync(csvDir)) for (const name of fs.readdirSync(csvDir)) files.set(`csv/${name}`, fs.readFileSync(path.join(csvDir, name)));
  const runsDir = path.join(logsDir, 'runs');
  for (const runId of fs.readdirSync(runsDir)) {
    for (const name of ['metadata.json', 'final_report.json']) {
      const file = path.join(runsDir, runId, name);
      if (fs.existsSync(file)) files.set(`runs/${runId}/${name}`, fs.readFileSync(file));
    }
    const issuesDir = path.join(runsDir, runId, 'issues');
    if (fs.existsSync(issuesDir))
      for (const name of fs.readdirSync(issuesDir)) files.set(`runs/${runId}/issues/${name}`, fs.readFileSync(path.join(issuesDir, name)));
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The journals alone, copied into a fresh logs folder and replayed in full: the reference result. */
async function fullReplayOfJournals(logsDir: string): Promise<{ files: Map<string, Buffer>; report: ReplayReport }> {
  const copy = tempDir('runledger-full-');
  for (const runId of fs.readdirSync(path.join(logsDir, 'runs'))) {
    const journal = path.join(logsDir, 'runs', runId, 'events.ndjson');
    if (!fs.existsSync(journal)) continue;
    fs.mkdirSync(path.join(copy, 'runs', runId), { recursive: true });
    fs.copyFileSync(journal, path.join(copy, 'runs', runId, 'events.ndjson'));
  }
  const report = await replay({ dir: copy, full: true });
  return { files: derivedFiles(copy), report };
}

/** Files as text for readable diffs (every derived file is UTF-8 text). */
const asText = (files: Map<string, Buffer>): Record<string, string> =>
  Object.fromEntries([...files.entries()].map(([k, v]) => [k, v.toString('utf8')]));

const runReport = (report: ReplayReport, runId: string): RunReplayReport => {
  const found = report.runs.find((r) => r.runId === runId);
  if (!found) throw new Error(`no report for ${runId} in ${JSON.stringify(report.runs)}`);
  return found;
};

/** RFC 4180 records (quoted cells may hold commas, quotes and line breaks), after the BOM. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Rows of a CSV table under logs/csv as objects keyed by header. */
function csvRecords(logsDir: string, file: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(fs.readFileSync(path.join(logsDir, 'csv', file), 'utf8').replace(/^\ufeff/, ''));
  return rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])));
}

const journalOf = (dir: string, runId: string): string => path.join(dir, 'runs', runId, 'events.ndjson');
const readJson = (file: string): Record<string, any> => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('replay is deterministic', () => {
  it('replaying twice gives byte-identical CSV and JSON files, the second time finding every run unchanged', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    const first = await replay({ dir });
    const before = derivedFiles(dir);
    const second = await replay({ dir });
    expect(asText(derivedFiles(dir))).toEqual(asText(before));
    expect(first.runs.map((r) => [r.runId, r.outcome, r.fromScratch])).toEqual([
      ['run-a', 'replayed', true],
      ['run-b', 'replayed', true],
      ['run-c', 'replayed', true],
    ]);
    expect(second.runs.map((r) => [r.runId, r.outcome, r.newEvents])).toEqual([
      ['run-a', 'unchanged', 0],
      ['run-b', 'unchanged', 0],
      ['run-c', 'unchanged', 0],
    ]);
    // 7 tables + 3 metadata + 2 final reports + issue files.
    expect([...before.keys()].filter((k) => k.startsWith('csv/'))).toHaveLength(7);
    expect(before.has('runs/run-a/final_report.json')).toBe(true);
  });

  it('a full replay into the same folder rewrites nothing that differs', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const before = derivedFiles(dir);
    const report = await replay({ dir, full: true });
    expect(report.runs.every((r) => r.outcome === 'replayed' && r.fromScratch)).toBe(true);
    expect(asText(derivedFiles(dir))).toEqual(asText(before));
  });

  it('deleting logs/csv and replaying gives byte-identical files', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const before = derivedFiles(dir);
    fs.rmSync(path.join(dir, 'csv'), { recursive: true });
    await replay({ dir });
    expect(asText(derivedFiles(dir))).toEqual(asText(before));
  });

  it('deleting logs/csv and logs/.replay and replaying rebuilds byte-identical files from scratch', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const before = derivedFiles(dir);
    fs.rmSync(path.join(dir, 'csv'), { recursive: true });
    fs.rmSync(path.join(dir, '.replay'), { recursive: true });
    const report = await replay({ dir });
    expect(report.runs.map((r) => [r.outcome, r.fromScratch])).toEqual([
      ['replayed', true],
      ['replayed', true],
      ['replayed', true],
    ]);
    expect(asText(derivedFiles(dir))).toEqual(asText(before));
  });

  it('the derived files are exactly what a full replay of the journals alone gives', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const reference = await fullReplayOfJournals(dir);
    expect(asText(derivedFiles(dir))).toEqual(asText(reference.files));
  });
});

describe('incremental replay', () => {
  it('after a run is resumed and appended to and a new run starts, gives exactly the files of a full replay, reading only the new events', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const linesBefore = readLines(journalOf(dir, 'run-b')).length;

    const b = await resume(dir, 'run-b');
    b.finalizeIssue(2, 'failed');
    work(b, 3);
    b.finalizeRun('completed');
    const appended = readLines(journalOf(dir, 'run-b')).length - linesBefore;
    const d = await start(dir, 'run-d', '2025-01-04T00:00:00.000Z');
    work(d, 1);
    d.finalizeRun('completed');

    const report = await replay({ dir });
    expect(appended).toBeGreaterThan(10);
    expect(runReport(report, 'run-a')).toMatchObject({ outcome: 'unchanged', newEvents: 0 });
    expect(runReport(report, 'run-c')).toMatchObject({ outcome: 'unchanged', newEvents: 0 });
    expect(runReport(report, 'run-b')).toMatchObject({ outcome: 'replayed', newEvents: appended, fromScratch: false });
    expect(runReport(report, 'run-d')).toMatchObject({ outcome: 'replayed', fromScratch: true });

    const reference = await fullReplayOfJournals(dir);
    expect(asText(derivedFiles(dir))).toEqual(asText(reference.files));
    expect(readJson(path.join(dir, 'runs/run-b/metadata.json')).status).toBe('completed');
    expect(readJson(path.join(dir, 'runs/run-b/metadata.json')).resumes).toBe(1);
  });

  it('after deleting logs/.replay, the incrementally built files are what a full rebuild gives', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const b = await resume(dir, 'run-b');
    work(b, 7);
    b.close();
    await replay({ dir });
    const incremental = derivedFiles(dir);
    fs.rmSync(path.join(dir, '.replay'), { recursive: true });
    const report = await replay({ dir });
    expect(report.runs.every((r) => r.fromScratch)).toBe(true);
    expect(asText(derivedFiles(dir))).toEqual(asText(incremental));
  });

  it('a run replayed while its writer is alive shows "running"; once the writer closes, an unchanged journal is replayed again and shows "crashed"', async () => {
    const dir = tempDir();
    const c = await start(dir, 'run-live', '2025-01-01T00:00:00.000Z');
    work(c, 1);
    await replay({ dir });
    expect(csvRecords(dir, 'runs.csv')[0]).toMatchObject({ status: 'running', ended_at: '' });
    expect(readJson(path.join(dir, 'runs/run-live/metadata.json')).status).toBe('running');

    work(c, 2, { finish: false });
    const linesBefore = readLines(journalOf(dir, 'run-live')).length;
    c.close();
    const report = await replay({ dir });
    expect(runReport(report, 'run-live')).toMatchObject({ outcome: 'replayed', fromScratch: false });
    expect(readLines(journalOf(dir, 'run-live'))).toHaveLength(linesBefore);
    expect(csvRecords(dir, 'runs.csv')[0]!.status).toBe('crashed');
    const reference = await fullReplayOfJournals(dir);
    expect(asText(derivedFiles(dir))).toEqual(asText(reference.files));
  });

  it('a config value shaped like the checkpoint\'s Map encoding ({"$map": [...]}) survives an incremental replay unchanged', async () => {
    // The config is free-form JSON; the checkpoint codec must not mistake user data for a Map.
    const dir = tempDir();
    const config = { ...CONFIG, experiment: { $map: [['variant', 'B']] } };
    const c = await start(dir, 'run-map', '2025-01-01T00:00:00.000Z', { config });
    work(c, 1);
    c.close();
    await replay({ dir });
    const b = await resume(dir, 'run-map');
    work(b, 2);
    b.finalizeRun('completed');
    const report = await replay({ dir });
    expect(runReport(report, 'run-map')).toMatchObject({ outcome: 'replayed', fromScratch: false });
    expect(readJson(path.join(dir, 'runs/run-map/metadata.json')).config).toEqual(config);
    const reference = await fullReplayOfJournals(dir);
    expect(asText(derivedFiles(dir))).toEqual(asText(reference.files));
  });

  it('an in-place edit inside the verified prefix is not re-read by incremental replay, and is caught by verify and replay --full (README contract)', async () => {
    const dir = tempDir();
    const c = await start(dir, 'run-edit', '2025-01-01T00:00:00.000Z');
    work(c, 1, { errorMessage: 'AAAAAAAA' });
    work(c, 2);
    c.finalizeRun('completed');
    await replay({ dir });
    const journal = journalOf(dir, 'run-edit');
    const size = fs.statSync(journal).size;
    const text = fs.readFileSync(journal, 'utf8');
    expect(text.split('AAAAAAAA')).toHaveLength(2);
    fs.writeFileSync(journal, text.replace('AAAAAAAA', 'BBBBBBBB'));
    expect(fs.statSync(journal).size).toBe(size);
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(journal, future, future);

    // Incremental replay checks the checkpoint's line, not every byte before it: nothing new to read.
    const incremental = runReport(await replay({ dir }), 'run-edit');
    expect(incremental).toMatchObject({ outcome: 'replayed', fromScratch: false, newEvents: 0, refused: null });
    // Reading every line finds the edit: verify names it, and a full replay refuses the run.
    const verification = verifyRun(dir, 'run-edit');
    expect(verification.verdict).toBe('corrupt');
    const full = runReport(await replay({ dir, full: true }), 'run-edit');
    expect(full.refused).toMatchObject({ line: verification.corruption!.line, offset: verification.corruption!.offset });
    expect(fs.existsSync(path.join(dir, 'runs/run-edit/metadata.json'))).toBe(false);
  });

  it('a journal cut back and rewritten behind the checkpoint (last checkpointed line changed) is rebuilt from scratch', async () => {
    const dir = tempDir();
    const c = await start(dir, 'run-cut', '2025-01-01T00:00:00.000Z');
    work(c, 1);
    c.close();
    await replay({ dir });
    const journal = journalOf(dir, 'run-cut');
    const lines = readLines(journal);
    // Drop the last line and resume: the writer appends RunResumed where the old last line was.
    fs.writeFileSync(
      journal,
      lines
        .slice(0, -1)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const b = await resume(dir, 'run-cut');
    work(b, 2);
    b.finalizeRun('completed');
    const report = await replay({ dir });
    expect(runReport(report, 'run-cut')).toMatchObject({ outcome: 'replayed', fromScratch: true });
    const reference = await fullReplayOfJournals(dir);
    expect(asText(derivedFiles(dir))).toEqual(asText(reference.files));
  });
});

describe('crashed, torn and corrupt runs', () => {
  it('a crashed run (closed without finalizeRun, no live lock) is "crashed" in runs.csv and metadata.json and has no final_report.json', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const lastTs = JSON.parse(readLines(journalOf(dir, 'run-b')).at(-1)!).ts as string;
    const row = csvRecords(dir, 'runs.csv').find((r) => r.run_id === 'run-b')!;
    expect(row).toMatchObject({ status: 'crashed', ended_at: lastTs, issues_total: '2', issues_completed: '1', issues_unfinished: '1' });
    const metadata = readJson(path.join(dir, 'runs/run-b/metadata.json'));
    expect([metadata.status, metadata.endedAt]).toEqual(['crashed', lastTs]);
    expect(fs.existsSync(path.join(dir, 'runs/run-b/final_report.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'runs/run-a/final_report.json'))).toBe(true);
    // Every issue has its metrics; only the finished one has a report.
    expect(fs.readdirSync(path.join(dir, 'runs/run-b/issues')).sort()).toEqual([
      'issue_1_metrics.json',
      'issue_1_report.json',
      'issue_2_metrics.json',
    ]);
    expect(readJson(path.join(dir, 'runs/run-b/issues/issue_2_metrics.json')).status).toBe('unfinished');
  });

  it('a run with a torn tail is flagged: the report, metadata.json journal.tornTail and runs.csv torn_tail_offset give its byte offset', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    const journal = journalOf(dir, 'run-b');
    const offset = fs.statSync(journal).size;
    const half = '{"v":1,"seq":999,"ts":"2025-01-02T00:10:00.000Z","runId":"run-b","type":"Err';
    fs.appendFileSync(journal, half);

    const report = await replay({ dir });
    expect(report.ok).toBe(true);
    expect(runReport(report, 'run-b')).toMatchObject({
      outcome: 'replayed',
      tornTail: { offset, bytes: Buffer.byteLength(half) },
      refused: null,
    });
    const metadata = readJson(path.join(dir, 'runs/run-b/metadata.json'));
    expect(metadata.journal.tornTail).toEqual({ offset, bytes: Buffer.byteLength(half) });
    expect(metadata.journal.bytes).toBe(offset + Buffer.byteLength(half));
    expect(csvRecords(dir, 'runs.csv').map((r) => [r.run_id, r.torn_tail_offset])).toEqual([
      ['run-a', ''],
      ['run-b', String(offset)],
      ['run-c', ''],
    ]);
    const reference = await fullReplayOfJournals(dir);
    expect(asText(derivedFiles(dir))).toEqual(asText(reference.files));
  });

  it('a corrupt run (a middle line deleted) is refused with its line and offset, and its derived files removed, while the other runs keep theirs', async () => {
    const dir = tempDir();
    await recordThreeRuns(dir);
    await replay({ dir });
    expect(fs.existsSync(path.join(dir, 'runs/run-c/metadata.json'))).toBe(true);

    const journal = journalOf(dir, 'run-c');
    const lines = readLines(journal);
    const deleted = 5; // 1-based line number
    const offset = lines.slice(0, deleted - 1).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    fs.writeFileSync(
      journal,
      lines
        .filter((_, i) => i !== deleted - 1)
        .map((l) => `${l}\n`)
        .join(''),
    );

    const report = await replay({ dir });
    expect(report.ok).toBe(false);
    const refused = runReport(report, 'run-c');
    expect(refused.outcome).toBe('refused');
    expect(refused.refused).toMatchObject({ line: deleted, offset });
    expect(refused.refused!.problem).toMatch(/seq gap/);
    expect(runReport(report, 'run-a').refused).toBeNull();
    expect(csvRecords(dir, 'runs.csv').map((r) => r.run_id)).toEqual(['run-a', 'run-b']);
    expect(csvRecords(dir, 'issues.csv').some((r) => r.run_id === 'run-c')).toBe(false);
    expect(fs.existsSync(path.join(dir, 'runs/run-c/metadata.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'runs/run-c/final_report.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'runs/run-c/issues/issue_1_metrics.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'runs/run-a/metadata.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'runs/run-b/metadata.json'))).toBe(true);
    const reference = await fullReplayOfJournals(dir);
    expect(asText(derivedFiles(dir))).toEqual(asText(reference.files));
  });

  it('corruption after the checkpoint is reported with its line number in the file, as verify reports it', async () => {
    const dir = tempDir();
    const c = await start(dir, 'run-late', '2025-01-01T00:00:00.000Z');
    work(c, 1);
    c.close();
    await replay({ dir });
    const checkpointLines = readLines(journalOf(dir, 'run-late')).length;
    const b = await resume(dir, 'run-late');
    work(b, 2);
    b.finalizeRun('completed');

    const journal = journalOf(dir, 'run-late');
    const lines = readLines(journal);
    const deleted = checkpointLines + 4; // a line appended after the checkpoint
    const offset = lines.slice(0, deleted - 1).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    fs.writeFileSync(
      journal,
      lines
        .filter((_, i) => i !== deleted - 1)
        .map((l) => `${l}\n`)
        .join(''),
    );

    const verified = verifyRun(dir, 'run-late');
    expect(verified.corruption).toMatchObject({ line: deleted, offset });
    const report = await replay({ dir });
    expect(runReport(report, 'run-late').refused).toMatchObject({ line: deleted, offset });
  });
});
