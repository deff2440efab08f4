import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerOf, TABLE_FILES, TABLES, type Table } from '../projections/tables/index.js';
import { replay } from '../replay/index.js';
import { MetricsCollector, PriceBook, type StartOptions } from '../src/index.js';
import { tempDir } from './helpers/temp-dir.js';

const BASE_CONFIG = { llm: { provider: 'deepseek', model: 'deepseek-chat', temperature: 0.7 }, maxRetries: 3 };
/** One price book, without the process warning for the deliberately unpriced model. */
const PRICES = new PriceBook({ overrideFile: null, onUnpriced: () => {} });
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** A clock that starts at `start` and moves one second each time it is read. */
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
    projectId: 'tables',
    config: BASE_CONFIG,
    handleSignals: false,
    prices: null,
    priceBook: PRICES,
    liveUpdates: false,
    clock: tickingClock(startAt),
    ...overrides,
  });
}

/** A complete run touching every table: issues, agents, tools, tokens, pipelines, cycles, errors. */
async function recordFullRun(dir: string, runId: string, startAt: string, overrides: Partial<StartOptions> = {}): Promise<void> {
  const c = await start(dir, runId, startAt, overrides);
  c.startIssue(1, { title: 'Add login', labels: ['backend', 'auth'] });
  const a1 = c.startAgent('coding');
  const call = c.startToolCall('git');
  c.endToolCall(call, { success: true });
  c.recordTokenUsage({ model: 'deepseek-chat', inputTokens: 1000, outputTokens: 200 });
  c.finalizeAgent({ agentId: a1, success: false, error: 'lint failed' });
  const a2 = c.startAgent('coding');
  c.recordTokenUsage({ model: 'no-such-model-xyz', inputTokens: 10, outputTokens: 1 });
  c.finalizeAgent({ agentId: a2, success: true });
  c.recordPipeline({ pipelineId: 'p1', commitSha: 'abc', status: 'failed', triggeredBy: 'testing', failingTests: 2, durationMs: 30_000 });
  c.recordDebuggingCycle({ trigger: 'pipeline_failed', failingTests: 2, resolved: true, durationMs: 5000 });
  c.recordPipeline({ pipelineId: 'p2', commitSha: 'abd', status: 'success', triggeredBy: 'testing' });
  c.recordError({ kind: 'tool_error', message: 'push rejected', recoverable: true });
  c.finalizeIssue(1, 'completed', { filesCreated: 2, linesAdded: 120, linesRemoved: 30, testsAdded: 4 });
  c.startIssue(2, { title: 'Fix typo' });
  c.finalizeIssue(2, 'failed');
  c.finalizeRun('completed');
}

interface ParsedTable {
  readonly rows: string[][];
  /** Rows whose cell count differs from the header's: [row number, count]. */
  readonly ragged: Array<[number, number]>;
}

/** Every table under logs/csv read by Python's csv module (utf-8-sig, newline=''). */
function readWithPython(csvDir: string): Record<string, ParsedTable> {
  const script = `
import csv, json, os, sys
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    if not name.endswith('.csv'):
        continue
    with open(os.path.join(sys.argv[1], name), encoding='utf-8-sig', newline='') as f:
        rows = list(csv.reader(f))
    width = len(rows[0]) if rows else 0
    out[name] = {'rows': rows, 'ragged': [[i, len(r)] for i, r in enumerate(rows) if len(r) != width]}
sys.stdout.write(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, csvDir], { encoding: 'utf8' })) as Record<string, ParsedTable>;
}

/** A parsed table as objects keyed by header. */
function records(table: ParsedTable): Array<Record<string, string>> {
  const [header, ...rows] = table.rows;
  return rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])));
}

describe('the seven CSV tables', () => {
  it('are all written, runs.csv and issues.csv with at least 24 columns, every header exactly as projections/tables defines it', async () => {
    const dir = tempDir();
    await recordFullRun(dir, 'run-a', '2025-01-01T00:00:00.000Z');
    const report = await replay({ dir });
    expect(report.ok).toBe(true);
    const csvDir = path.join(dir, 'csv');
    expect(
      fs
        .readdirSync(csvDir)
        .filter((f) => f.endsWith('.csv'))
        .sort(),
    ).toEqual([...TABLE_FILES].sort());
    expect(TABLE_FILES).toEqual([
      'runs.csv',
      'issues.csv',
      'agents.csv',
      'pipelines.csv',
      'tool_usage.csv',
      'debugging_cycles.csv',
      'errors.csv',
    ]);
    const parsed = readWithPython(csvDir);
    for (const { table } of TABLES) {
      expect(parsed[table.file]!.rows[0], table.file).toEqual(headerOf(table as Table<unknown>));
    }
    expect(parsed['runs.csv']!.rows[0]!.length).toBeGreaterThanOrEqual(24);
    expect(parsed['issues.csv']!.rows[0]!.length).toBeGreaterThanOrEqual(24);
    expect(report.tables).toEqual([
      { file: 'runs.csv', rows: 1 },
      { file: 'issues.csv', rows: 2 },
      { file: 'agents.csv', rows: 2 },
      { file: 'pipelines.csv', rows: 2 },
      { file: 'tool_usage.csv', rows: 1 },
      { file: 'debugging_cycles.csv', rows: 1 },
      { file: 'errors.csv', rows: 1 },
    ]);
  });

  it("hold one run's numbers as recorded: statuses, counts, tokens, unpriced records, complexity", async () => {
    const dir = tempDir();
    await recordFullRun(dir, 'run-a', '2025-01-01T00:00:00.000Z');
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    const [run] = records(parsed['runs.csv']!);
    expect(run).toMatchObject({
      run_id: 'run-a',
      project_id: 'tables',
      status: 'completed',
      llm_provider: 'deepseek',
      llm_model: 'deepseek-chat',
      llm_temperature: '0.7',
      max_retries: '3',
      issues_total: '2',
      issues_completed: '1',
      issues_failed: '1',
      success_rate: '0.5',
      first_time_right_rate: '0',
      input_tokens: '1010',
      output_tokens: '201',
      unpriced_token_records: '1',
      unpriced_tokens: '11',
      agent_attempts: '2',
      agent_failures: '1',
      pipelines: '2',
      pipeline_failures: '1',
      debugging_cycles: '1',
      errors: '1',
    });
    expect(JSON.parse(run!.config_json!)).toEqual(BASE_CONFIG);
    const issues = records(parsed['issues.csv']!);
    expect(issues.map((i) => [i.issue_id, i.status, i.labels, i.lines_added, i.lines_removed, i.complexity, i.first_time_right])).toEqual([
      // 2 attempts (fewer than the 4 expected): 0; 1 failed pipeline: 10; 1 cycle: 10; 150 lines: round(0.75) = 1.
      ['1', 'completed', 'backend;auth', '120', '30', String(0 + 10 + 10 + 1), 'false'],
      ['2', 'failed', '', '0', '0', '0', 'false'],
    ]);
    const agents = records(parsed['agents.csv']!);
    expect(agents.map((a) => [a.agent_id, a.agent_type, a.attempt, a.status, a.error])).toEqual([
      ['agent-1', 'coding', '1', 'failed', 'lint failed'],
      ['agent-2', 'coding', '2', 'succeeded', ''],
    ]);
    // The run's cost is the known part (a lower bound: one record unpriced); agent-2's only tokens
    // are unpriced, so its cost is unknown: an empty cell, never 0.
    expect(Number(run!.cost_usd)).toBeGreaterThan(0);
    expect(agents.map((a) => [a.cost_usd === '' ? '' : Number(a.cost_usd) > 0, a.unpriced_token_records, a.unpriced_tokens])).toEqual([
      [true, '0', '0'],
      ['', '1', '11'],
    ]);
  });

  it('rows are sorted by run start, then run id, whatever order the runs were recorded or named in', async () => {
    const dir = tempDir();
    await recordFullRun(dir, 'run-c', '2025-02-01T00:00:00.000Z');
    await recordFullRun(dir, 'run-a', '2025-03-01T00:00:00.000Z');
    await recordFullRun(dir, 'run-z', '2025-01-01T00:00:00.000Z');
    await recordFullRun(dir, 'run-b', '2025-02-01T00:00:00.000Z');
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    const order = ['run-z', 'run-b', 'run-c', 'run-a'];
    expect(records(parsed['runs.csv']!).map((r) => r.run_id)).toEqual(order);
    expect(records(parsed['runs.csv']!).map((r) => r.started_at)).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2025-02-01T00:00:00.000Z',
      '2025-02-01T00:00:00.000Z',
      '2025-03-01T00:00:00.000Z',
    ]);
    for (const file of TABLE_FILES.filter((f) => f !== 'runs.csv')) {
      const runIds = records(parsed[file]!).map((r) => r.run_id);
      const firstSeen = runIds.filter((id, i) => runIds.indexOf(id) === i);
      expect(firstSeen, file).toEqual(order);
    }
  });
});

describe('CSV a spreadsheet and Python can trust', () => {
  const MESSAGE = 'ü, "x"\nnext\r\nend ✓';
  const TITLE = '=HYPERLINK("http://evil.example","click")';
  const TOOLS = ['+cmd', '-rm -rf', '@SUM(A1)'];

  async function recordHostileRun(dir: string): Promise<void> {
    const c = await start(dir, 'run-hostile', '2025-01-01T00:00:00.000Z');
    c.startIssue(1, { title: TITLE });
    const agent = c.startAgent('coding');
    for (const tool of TOOLS) {
      const call = c.startToolCall(tool);
      c.endToolCall(call, { success: false, error: MESSAGE });
      c.recordError({ kind: 'tool_error', message: MESSAGE, recoverable: true, tool });
    }
    c.finalizeAgent({ agentId: agent, success: false, error: MESSAGE });
    c.finalizeIssue(1, 'failed');
    c.finalizeRun('failed', MESSAGE);
  }

  it("Python's csv module reads every one of the seven tables with the header's column count on every row", async () => {
    const dir = tempDir();
    await recordHostileRun(dir);
    await recordFullRun(dir, 'run-plain', '2025-01-02T00:00:00.000Z');
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    expect(Object.keys(parsed).sort()).toEqual([...TABLE_FILES].sort());
    for (const file of TABLE_FILES) {
      expect(parsed[file]!.ragged, file).toEqual([]);
      expect(parsed[file]!.rows.length, file).toBeGreaterThan(1);
    }
  });

  it('keeps commas, quotes, LF, CRLF and non-ASCII text of an error message exactly', async () => {
    const dir = tempDir();
    await recordHostileRun(dir);
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    const errors = records(parsed['errors.csv']!);
    expect(errors.map((e) => e.message)).toEqual([MESSAGE, MESSAGE, MESSAGE]);
    expect(records(parsed['agents.csv']!)[0]!.error).toBe(MESSAGE);
    expect(records(parsed['runs.csv']!)[0]!.status_reason).toBe(MESSAGE);
  });

  it('neutralises formulas: a title starting with "=" and tool names starting with "+", "-", "@" get a leading apostrophe, the rest kept', async () => {
    const dir = tempDir();
    await recordHostileRun(dir);
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    expect(records(parsed['issues.csv']!)[0]!.title).toBe(`'${TITLE}`);
    expect(
      records(parsed['tool_usage.csv']!)
        .map((r) => r.tool)
        .sort(),
    ).toEqual(TOOLS.map((tool) => `'${tool}`).sort());
    expect(records(parsed['errors.csv']!).map((r) => r.tool)).toEqual(TOOLS.map((tool) => `'${tool}`));
    // Every cell of every table: none starts with a formula character.
    for (const file of TABLE_FILES) {
      for (const row of parsed[file]!.rows) for (const cell of row) expect(cell, `${file}: ${cell}`).not.toMatch(/^[=+\-@\t\r]/);
    }
  });

  it('an unknown value is an empty cell, never "unknown", "NaN", "null" or "undefined"', async () => {
    const dir = tempDir();
    // No provider, no temperature, no max retries; an issue finished without coverage; a running run.
    const c = await start(dir, 'run-sparse', '2025-01-01T00:00:00.000Z', { config: { llm: { model: 'deepseek-chat' } } });
    c.startIssue(1);
    c.finalizeIssue(1, 'completed', { linesAdded: 5 });
    c.startIssue(2);
    c.startToolCall('git'); // never ended: no duration
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    c.close();
    const [run] = records(parsed['runs.csv']!);
    expect(run).toMatchObject({
      status: 'running',
      ended_at: '',
      llm_provider: '',
      llm_temperature: '',
      max_retries: '',
      min_coverage_percent: '',
      avg_complexity: '0',
      torn_tail_offset: '',
    });
    const issues = records(parsed['issues.csv']!);
    expect(issues.map((i) => [i.status, i.coverage_percent, i.ended_at, i.duration_s, i.lines_added, i.llm_temperature])).toEqual([
      ['completed', '', issues[0]!.ended_at, issues[0]!.duration_s, '5', ''],
      ['open', '', '', '', '', ''],
    ]);
    // An issue not finished has no complexity and no first-time-right yet: empty, not 0 and false.
    expect(issues.map((i) => [i.complexity, i.first_time_right])).toEqual([
      [issues[0]!.complexity, issues[0]!.first_time_right],
      ['', ''],
    ]);
    expect(issues[0]!.complexity).toMatch(/^\d+$/);
    expect(issues[0]!.first_time_right).toMatch(/^(true|false)$/);
    const openIssue = JSON.parse(fs.readFileSync(path.join(dir, 'runs', 'run-sparse', 'issues', 'issue_2_metrics.json'), 'utf8'));
    expect(openIssue).toMatchObject({ status: 'open', complexity: null, firstTimeRight: null });
    expect(records(parsed['tool_usage.csv']!)[0]).toMatchObject({ calls: '1', mean_duration_s: '', p95_duration_s: '' });
    for (const file of TABLE_FILES) {
      for (const row of parsed[file]!.rows) {
        for (const cell of row) expect(['unknown', 'NaN', 'null', 'undefined', 'Infinity'], `${file}`).not.toContain(cell);
      }
    }
  });

  it('writes every time as ISO-8601 UTC', async () => {
    const dir = tempDir();
    await recordFullRun(dir, 'run-a', '2025-06-30T22:59:59.000Z');
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    let checked = 0;
    for (const file of TABLE_FILES) {
      for (const row of records(parsed[file]!)) {
        for (const [column, cell] of Object.entries(row)) {
          if (!/_at$/.test(column)) continue;
          expect(cell, `${file} ${column}`).toMatch(ISO_UTC);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(records(parsed['runs.csv']!)[0]!.started_at).toBe('2025-06-30T22:59:59.000Z');
  });

  it('every file starts with a UTF-8 BOM and ends each record with CRLF (line breaks inside quoted cells aside)', async () => {
    const dir = tempDir();
    await recordHostileRun(dir);
    await recordFullRun(dir, 'run-plain', '2025-01-02T00:00:00.000Z');
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    for (const file of TABLE_FILES) {
      const bytes = fs.readFileSync(path.join(dir, 'csv', file));
      expect([...bytes.subarray(0, 3)], file).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(text.endsWith('\r\n'), file).toBe(true);
      const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, '""');
      expect(outsideQuotes.match(/(?<!\r)\n/g), `${file}: bare LF outside quotes`).toBeNull();
      expect(outsideQuotes.match(/\r(?!\n)/g), `${file}: bare CR outside quotes`).toBeNull();
      expect(outsideQuotes.split('\r\n').length - 1, `${file}: one CRLF per record`).toBe(parsed[file]!.rows.length);
    }
  });
});

describe('the JSON files beside the tables', () => {
  it('issue 3 and issue "3" of one run (two issues in issues.csv) get a metrics file each', async () => {
    const dir = tempDir();
    const c = await start(dir, 'run-ids', '2025-01-01T00:00:00.000Z');
    c.startIssue(3, { title: 'number three' });
    c.startIssue('3', { title: 'string three' });
    c.finalizeIssue(3, 'completed', { linesAdded: 10 });
    c.finalizeIssue('3', 'failed');
    c.finalizeRun('completed');
    await replay({ dir });
    const parsed = readWithPython(path.join(dir, 'csv'));
    expect(records(parsed['issues.csv']!).map((r) => [r.issue_id, r.title, r.status])).toEqual([
      ['3', 'number three', 'completed'],
      ['3', 'string three', 'failed'],
    ]);
    const issuesDir = path.join(dir, 'runs', 'run-ids', 'issues');
    const metrics = fs.readdirSync(issuesDir).filter((f) => f.endsWith('_metrics.json'));
    const titles = metrics.map((f) => (JSON.parse(fs.readFileSync(path.join(issuesDir, f), 'utf8')) as { title: string }).title).sort();
    expect(titles).toEqual(['number three', 'string three']);
  });
});
