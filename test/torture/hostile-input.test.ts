import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../replay/index.js';
import {
  AsyncMetricsCollector,
  MAX_TEXT_LENGTH,
  MetricsCollector,
  redactConfigCredentials,
  redactSecrets,
  RunledgerError,
  runPaths,
  verifyRun,
  type JournalEntry,
} from '../../src/index.js';
import { CLI, ROOT, runNode, testSeed } from '../helpers/child.js';
import { csvRecords, parseCsv } from './helpers/csv.js';
import { tortureDir } from './helpers/dirs.js';
import {
  FORMULAS,
  hostileAnything,
  hostileIdentifier,
  hostileIssueId,
  hostileNumber,
  hostileText,
  nest,
  textWithSecret,
} from './helpers/hostile.js';
import { readJson, runMetadata, scanRun } from './helpers/journals.js';
import { LONG, pick } from './helpers/mode.js';
import { CONFIG, quiet, startOptions } from './helpers/scenario.js';
import { torturePart } from './helpers/summary.js';

/**
 * Part 6 of the torture suite: hostile input (docs/DESIGN.md rule 2, "validate, then write").
 * Arbitrary call sequences with arbitrary values are either recorded and replayed exactly, or
 * refused with a typed error (a RunledgerError with a code) and not one byte written. Free text
 * over 16,384 characters is cut with a marker and credentials are redacted (README "Limits",
 * "Guarantees"); run ids never lead outside the logs folder; CSV cells never start a formula;
 * journal files are 0600 and run folders 0700.
 */

/**
 * The property tests' seed. In the short mode (npm test, CI) a fixed one, so that a green CI is not a
 * lottery: 181722873, the seed that once found the sparse-array bug (kept as fixed cases in
 * collector.bad-input too). The long mode (npm run torture) draws a fresh seed to explore new inputs
 * and prints it. RUNLEDGER_TEST_SEED overrides both.
 */
const SHORT_MODE_SEED = 181722873;
const seed = LONG || process.env.RUNLEDGER_TEST_SEED ? testSeed() : SHORT_MODE_SEED;
const NUM_RUNS = pick(12, 300);
const figures = {
  tried: 0,
  accepted: 0,
  refused: 0,
  untypedErrors: 0,
  sequences: 0,
  runIdsTried: 0,
  configsTried: 0,
  secretsTried: 0,
  secretsLeaked: 0,
  formulaCellsChecked: 0,
  libreOfficeCellsChecked: 0,
  libreOffice: 'not run' as string,
  hostileFilesTried: 0,
};
torturePart('hostileInput', () => ({ ...figures }), seed);

const fcParams = <T>(numRuns: number): fc.Parameters<T> => ({ seed, numRuns, endOnFailure: true });

/**
 * fc.assert, but a failure message of bounded size: a counterexample may hold 10 MB strings.
 * Replay a failure with RUNLEDGER_TEST_SEED=<seed> (fast-check's seed is the test seed).
 */
async function assertProperty<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncPropertyWithHooks<Ts>,
  params: fc.Parameters<Ts>,
): Promise<void> {
  const details = await fc.check(property, params);
  if (!details.failed) return;
  const example = fc.stringify(details.counterexample);
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `property failed after ${details.numRuns} runs (seed ${seed}, path ${details.counterexamplePath}):\n${error.slice(0, 4000)}\ncounterexample (first 2000 characters): ${example.slice(0, 2000)}`,
  );
}

/** Calls that threw something other than a RunledgerError: collected over all runs, reported at the end. */
const untyped = new Map<string, string>();

// ---- what a recorded text must be ---------------------------------------------------------------

/** Checks text recorded from `input` by the collector: redacted, cut at 16,384 with its marker, else exact. */
function expectCleanText(input: string, recorded: unknown, what: string): void {
  expect(typeof recorded, what).toBe('string');
  const text = recorded as string;
  const redacted = redactSecrets(input);
  // A string that cannot hold any of the redacted shapes passes through untouched.
  if (!/sk-|gh[pousr]_|github_pat_|AKIA|xox|AIza|bearer|api|token|secret|passw/i.test(input))
    expect(redacted, `${what}: redaction changed text without a secret`).toBe(input);
  if (redacted.length <= MAX_TEXT_LENGTH) {
    expect(text === redacted, `${what}: recorded text differs from the input (lengths ${text.length} vs ${redacted.length})`).toBe(true);
    return;
  }
  expect(text.length, what).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
  const marker = /…\[truncated (\d+) chars\]$/.exec(text);
  expect(marker, `${what}: a cut text must end with its marker`).not.toBeNull();
  const kept = text.length - marker![0].length;
  expect(Number(marker![1]), `${what}: the marker must count the characters cut`).toBe(redacted.length - kept);
  expect(text.slice(0, kept) === redacted.slice(0, kept), `${what}: the kept part must be the input's beginning`).toBe(true);
}

// ---- the call sequences -------------------------------------------------------------------------

type Collector = MetricsCollector | AsyncMetricsCollector;
interface Call {
  readonly name: string;
  /** The hostile argument, shown when the call throws something untyped. */
  readonly example?: string;
  readonly run: (c: Collector) => unknown;
  /** The free-text inputs of this call, to check against what was recorded. */
  readonly texts?: Partial<Record<'title' | 'message' | 'error' | 'reason', unknown>>;
}

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });
const agentRef = fc.oneof(fc.constantFrom('agent-1', 'agent-2', 'agent-3'), hostileIdentifier);
const callRef = fc.oneof(fc.constantFrom('call-1', 'call-2', 'call-3'), hostileIdentifier);
const bool = fc.oneof({ weight: 5, arbitrary: fc.boolean() }, { weight: 1, arbitrary: hostileAnything });

const callArb: fc.Arbitrary<Call> = fc.oneof(
  fc
    .tuple(
      hostileIssueId,
      maybe(fc.oneof(hostileText, hostileAnything)),
      maybe(fc.oneof({ weight: 4, arbitrary: fc.array(hostileIdentifier, { maxLength: 3 }) }, { weight: 1, arbitrary: hostileAnything })),
    )
    .map(([id, title, labels]): Call => ({
      name: `startIssue(${String(id).slice(0, 20)})`,
      run: (c) => c.startIssue(id as never, { title: title as never, labels: labels as never }),
      texts: { title },
    })),
  fc.tuple(hostileIdentifier, maybe(hostileIssueId)).map(([type, issueId]): Call => ({
    name: 'startAgent',
    run: (c) => c.startAgent(type, issueId === undefined ? {} : { issueId: issueId as never }),
  })),
  fc.tuple(bool, maybe(agentRef), maybe(hostileAnything)).map(([success, agentId, error]): Call => ({
    name: 'finalizeAgent',
    run: (c) => c.finalizeAgent({ success: success as boolean, agentId, error }),
    texts: { error },
  })),
  fc.tuple(hostileIdentifier, maybe(hostileIssueId), maybe(agentRef)).map(([tool, issueId, agentId]): Call => ({
    name: 'startToolCall',
    run: (c) => c.startToolCall(tool, { issueId: issueId as never, agentId }),
  })),
  fc.tuple(callRef, bool, maybe(hostileAnything)).map(([callId, success, error]): Call => ({
    name: 'endToolCall',
    run: (c) => c.endToolCall(callId, { success: success as boolean, error }),
    texts: { error },
  })),
  fc
    .record({
      model: hostileIdentifier,
      provider: maybe(hostileIdentifier),
      inputTokens: hostileNumber,
      outputTokens: hostileNumber,
      cacheReadTokens: maybe(hostileNumber),
      cacheWriteTokens: maybe(hostileNumber),
      reasoningTokens: maybe(hostileNumber),
    })
    .map((input): Call => ({ name: 'recordTokenUsage', run: (c) => c.recordTokenUsage(input as never) })),
  fc
    .record({
      pipelineId: hostileIdentifier,
      commitSha: hostileIdentifier,
      status: fc.oneof(fc.constantFrom('success', 'failed', 'canceled'), hostileAnything),
      triggeredBy: hostileIdentifier,
      attempt: maybe(hostileNumber),
      durationMs: maybe(hostileNumber),
      failingTests: maybe(hostileNumber),
    })
    .map((input): Call => ({ name: 'recordPipeline', run: (c) => c.recordPipeline(input as never) })),
  fc
    .record({ trigger: hostileIdentifier, resolved: bool, failingTests: maybe(hostileNumber), durationMs: maybe(hostileNumber) })
    .map((input): Call => ({ name: 'recordDebuggingCycle', run: (c) => c.recordDebuggingCycle(input as never) })),
  fc
    .record({
      kind: hostileIdentifier,
      message: fc.oneof(hostileText, hostileAnything),
      recoverable: bool,
      tool: maybe(hostileIdentifier),
      callId: maybe(callRef),
    })
    .map((input): Call => ({
      name: 'recordError',
      run: (c) => c.recordError(input as never),
      texts: { message: input.message },
    })),
  fc
    .tuple(
      hostileIssueId,
      fc.oneof(fc.constantFrom('completed', 'failed', 'skipped'), hostileAnything),
      fc.record({ linesAdded: maybe(hostileNumber), coveragePercent: maybe(hostileNumber), filesCreated: maybe(hostileNumber) }),
    )
    .map(([id, status, code]): Call => ({
      name: 'finalizeIssue',
      run: (c) => c.finalizeIssue(id as never, status as never, code as never),
    })),
  // The options object itself replaced by anything (null, a number, a string, an array...).
  fc
    .tuple(
      fc.constantFrom(
        'startIssue',
        'startAgent',
        'finalizeAgent',
        'startToolCall',
        'endToolCall',
        'recordTokenUsage',
        'recordPipeline',
        'recordDebuggingCycle',
        'recordError',
        'finalizeIssue',
      ),
      hostileAnything,
    )
    .map(([method, options]): Call => ({
      name: `${method}(…, ${describeValueShort(options)})`,
      example: describeValueShort(options),
      run: (c: Collector) => {
        const m = (c as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!.bind(c);
        if (['startIssue', 'finalizeIssue'].includes(method)) return m(1, options, options);
        if (['startAgent', 'startToolCall'].includes(method)) return m('x', options);
        if (method === 'endToolCall') return m('call-1', options);
        return m(options);
      },
    })),
  fc.tuple(hostileIdentifier, fc.oneof(hostileText, hostileAnything)).map(([tool, thrown]): Call => ({
    name: 'trackToolCall(throwing)',
    run: (c) =>
      c.trackToolCall(tool, () => {
        throw thrown;
      }),
    texts: { message: thrown },
  })),
);

/** One run: start, the calls, finalize; every call recorded or refused cleanly. Returns the journal's entries. */
async function runSequence(kind: 'sync' | 'async', calls: Call[], finalize: { status: unknown; reason: unknown }): Promise<void> {
  const dir = tortureDir('runledger-torture-hostile-');
  const runId = 'hostile';
  const c: Collector =
    kind === 'sync' ? await MetricsCollector.start(startOptions(dir, runId)) : await AsyncMetricsCollector.start(startOptions(dir, runId));
  const journal = runPaths(dir, runId).journal;
  figures.sequences += 1;
  const problems: string[] = [];
  const checkCall = async (call: Call, isFinalize: boolean): Promise<void> => {
    const before = fs.readFileSync(journal);
    const linesBefore = scanRun(dir, runId).entries.length;
    let thrown: unknown = null;
    try {
      await call.run(c);
    } catch (error) {
      thrown = error;
    }
    figures.tried += 1;
    const after = fs.readFileSync(journal);
    const { entries, scan } = scanRun(dir, runId);
    expect(scan.tail.kind, `${call.name}: the journal must stay intact`).toBe('clean');
    const added = entries.slice(linesBefore);
    const refusedByUs = thrown instanceof RunledgerError;
    if (refusedByUs) {
      figures.refused += 1;
      expect(typeof (thrown as RunledgerError).code, call.name).toBe('string');
      expect(after.equals(before), `${call.name} was refused (${(thrown as RunledgerError).code}) but the journal changed`).toBe(true);
      return;
    }
    const userError = call.name.startsWith('trackToolCall') && added.length > 0;
    if (thrown !== null && !userError) {
      figures.untypedErrors += 1;
      expect(after.equals(before), `${call.name} threw ${describeThrown(thrown)} and the journal CHANGED`).toBe(true);
      untyped.set(`${call.name.replace(/\(.*/, '')}: ${describeThrown(thrown)}`, call.example ?? '');
      return;
    }
    if (added.length === 0 && !isFinalize) {
      problems.push(`${call.name} returned without recording anything`);
      return;
    }
    figures.accepted += 1;
    // The text fields: exactly the input (redacted, cut), wherever the input was a string.
    for (const entry of added) checkTexts(call, entry, problems);
  };
  for (const call of calls) await checkCall(call, false);
  await checkCall(
    {
      name: 'finalizeRun',
      run: (x) => x.finalizeRun(finalize.status as never, finalize.reason as never),
      texts: { reason: finalize.reason },
    },
    true,
  );
  // A refused hostile finalizeRun leaves the run open: finalize it properly, so that replay writes its final report.
  if (!scanRun(dir, runId).entries.some((e) => e.type === 'RunFinished')) await c.finalizeRun('completed');
  c.close();
  expect(problems, problems.join('\n')).toEqual([]);
  expect(verifyRun(dir, runId).verdict).toBe('intact');
  await expectReplayedExactly(dir, runId);
}

function describeValueShort(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value.slice(0, 30));
    if (typeof value === 'bigint') return `${String(value).slice(0, 20)}n`;
    if (value === null || typeof value !== 'object') return String(value).slice(0, 30);
    const proto = Object.getPrototypeOf(value);
    return proto === null ? 'Object.create(null)' : `${proto?.constructor?.name ?? 'object'} ${(JSON.stringify(value) ?? '').slice(0, 30)}`;
  } catch {
    return typeof value;
  }
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message.slice(0, 120)}`;
  try {
    return String(error).slice(0, 120);
  } catch {
    return typeof error;
  }
}

// eslint-disable-next-line complexity -- one check per text field a call may carry
function checkTexts(call: Call, entry: JournalEntry, problems: string[]): void {
  const d = entry.data as Record<string, unknown>;
  const check = (input: unknown, recorded: unknown, field: string): void => {
    if (typeof input !== 'string') {
      if (recorded !== null && recorded !== undefined && (typeof recorded !== 'string' || recorded.length > MAX_TEXT_LENGTH))
        problems.push(`${call.name}: ${field} recorded as ${typeof recorded} of length ${String(recorded).length}`);
      return;
    }
    try {
      expectCleanText(input, recorded, `${call.name} ${entry.type}.${field}`);
    } catch (error) {
      problems.push((error as Error).message.split('\n')[0]!);
    }
  };
  if (entry.type === 'IssueStarted' && call.texts && 'title' in call.texts && call.texts.title !== undefined)
    check(call.texts.title, d.title, 'title');
  if (entry.type === 'ErrorRecorded' && call.name === 'recordError') check(call.texts?.message, d.message, 'message');
  if ((entry.type === 'AgentFinished' || entry.type === 'ToolCallEnded') && call.texts?.error !== undefined && call.texts.error !== null)
    check(call.texts.error, d.error, 'error');
  if (entry.type === 'RunFinished' && call.texts?.reason !== undefined) check(call.texts.reason, d.reason, 'reason');
}

/** Replay, then: what the read models and tables hold is what the journal recorded. */
async function expectReplayedExactly(dir: string, runId: string): Promise<void> {
  const report = await replay({ dir });
  expect(report.ok, JSON.stringify(report.runs)).toBe(true);
  const { entries } = scanRun(dir, runId);
  const meta = runMetadata(dir, runId)!;
  const started = entries[0]!.data as { config: unknown };
  expect(JSON.stringify(meta.config), 'config in metadata.json').toBe(JSON.stringify(started.config));
  const finalReport = readJson<Record<string, any>>(path.join(runPaths(dir, runId).runDir, 'final_report.json'));
  const issuesStarted = entries
    .filter((e) => e.type === 'IssueStarted')
    .map((e) => e.data as { issueId: unknown; title: string | null; labels: string[] });
  // An issue started twice (after finishing) keeps its last start's title.
  const titleOf = new Map(issuesStarted.map((i) => [JSON.stringify(i.issueId), i]));
  for (const issue of finalReport.issues as Array<{ issueId: unknown; title: string | null; labels: string[] }>) {
    const started2 = titleOf.get(JSON.stringify(issue.issueId));
    expect(
      issue.title === started2?.title,
      `title of issue ${JSON.stringify(issue.issueId)}: replay ${JSON.stringify(issue.title)?.slice(0, 80)} vs journal ${JSON.stringify(started2?.title)?.slice(0, 80)}`,
    ).toBe(true);
    expect(issue.labels).toEqual(started2?.labels);
  }
  const messages = entries.filter((e) => e.type === 'ErrorRecorded').map((e) => (e.data as { message: string }).message);
  const replayedMessages = (finalReport.errors as Array<{ message: string }>).map((e) => e.message);
  expect(replayedMessages.length).toBe(messages.length);
  replayedMessages.forEach((m, i) => expect(m === messages[i], `error message ${i}`).toBe(true));
  const tokens = entries.filter((e) => e.type === 'TokensUsed').reduce((n, e) => n + (e.data as { inputTokens: number }).inputTokens, 0);
  expect(meta.tokens.inputTokens, 'input tokens').toBe(tokens);
  const finished = entries.find((e) => e.type === 'RunFinished')?.data as { reason: string | null } | undefined;
  if (finished) expect(meta.statusReason === finished.reason, 'RunFinished reason').toBe(true);

  // The tables: every text cell as recorded (a formula start escaped with '), lone surrogates as U+FFFD.
  const errorsCsv = csvRecords(fs.readFileSync(path.join(dir, 'csv/errors.csv'), 'utf8'));
  const csvMessages = errorsCsv.filter((r) => r.run_id === runId).map((r) => r.message);
  expect(csvMessages.length).toBe(messages.length);
  csvMessages.forEach((cell, i) =>
    expect(cell === expectedCell(messages[i]!), `errors.csv message ${i}: ${JSON.stringify(cell?.slice(0, 60))}`).toBe(true),
  );
  checkNoFormulaCells(dir);
}

/** A text cell as README describes it: a formula start gets a leading apostrophe; UTF-8 cannot hold lone surrogates. */
function expectedCell(text: string): string {
  const wellFormed = (text as unknown as { toWellFormed(): string }).toWellFormed();
  return /^[=+\-@\t\r]/.test(text) ? `'${wellFormed}` : wellFormed;
}

/** No cell of any table starts a formula, unless it is a plain number. */
function checkNoFormulaCells(dir: string): void {
  for (const file of fs.readdirSync(path.join(dir, 'csv')).filter((f) => f.endsWith('.csv'))) {
    const text = fs.readFileSync(path.join(dir, 'csv', file), 'utf8');
    expect(text.startsWith('\ufeff'), `${file} starts with a BOM`).toBe(true);
    for (const row of parseCsv(text)) {
      for (const cell of row) {
        if (/^[=+\-@\t\r]/.test(cell)) {
          expect(cell, `${file}: a cell that a spreadsheet runs as a formula`).toMatch(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/);
        } else if (cell.startsWith("'")) figures.formulaCellsChecked += 1;
      }
    }
  }
}

// ---- run ids --------------------------------------------------------------------------------------

const runIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '../x',
    '../../etc/passwd',
    'a/../../b',
    '/abs',
    '\\..\\x',
    'a\\b',
    'x\u0000y',
    '%2e%2e',
    '..%2f',
    'ü',
    'a b',
    'a'.repeat(128),
    'a'.repeat(129),
    '',
    ' ',
    'CON',
    '-rf',
    '.hidden',
    '__proto__',
    'ok-run_1.2',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('.', '/', '\\', 'a', '\u0000', '%'), maxLength: 12 }),
);

/** Every path under `root`, relative. */
function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      out.push(path.relative(root, full));
      if (fs.lstatSync(full).isDirectory()) walk(full);
    }
  };
  walk(root);
  return out.sort();
}

// ---- LibreOffice ------------------------------------------------------------------------------------

const SOFFICE_HELP =
  "LibreOffice is not installed (no `soffice` on PATH). Install Debian's headless Calc with:\n  sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui\nthen run `npm run torture` again.";

/** Converts a CSV with headless LibreOffice, importing with formula evaluation on, exporting what cells show. */
function libreOfficeRoundTrip(csvFile: string, outDir: string, profile: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  // Import: comma, ", UTF-8, from line 1, standard columns, language 0, quoted fields not forced to
  // text, detect special numbers, (export tokens), token 13: evaluate formulas = true.
  const infilter = 'Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,0,true';
  // Export: the same separators, cell contents as shown, no formulas.
  const outfilter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false';
  const result = spawnSync(
    'soffice',
    [
      '--headless',
      '--norestore',
      '--nologo',
      `-env:UserInstallation=file://${profile}`,
      `--infilter=${infilter}`,
      '--convert-to',
      outfilter,
      '--outdir',
      outDir,
      csvFile,
    ],
    { encoding: 'utf8', timeout: 180_000 },
  );
  const out = path.join(outDir, path.basename(csvFile));
  if (result.status !== 0 || !fs.existsSync(out)) throw new Error(`soffice failed (${result.status}): ${result.stderr}\n${result.stdout}`);
  return fs.readFileSync(out, 'utf8');
}

/** LibreOffice writes LF records; a lenient reader for its output. */
function parseLooseCsv(text: string): string[][] {
  return parseCsv(text.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, '') + '\r\n');
}

describe(`hostile input (fast-check, ${NUM_RUNS} runs per property; seed ${seed}): recorded and replayed exactly, or refused with a typed error and not one byte written`, () => {
  it.each(['sync', 'async'] as const)(
    'arbitrary call sequences with arbitrary values through the %s collector: each call is recorded exactly (texts redacted and cut as documented) or refused with a RunledgerError leaving the journal byte-identical; replay gives back what was recorded',
    async (kind) => {
      untyped.clear();
      await assertProperty(
        fc.asyncProperty(
          fc.array(callArb, { maxLength: pick(25, 40) }),
          fc.oneof(fc.constantFrom('completed', 'failed', 'interrupted'), hostileAnything),
          maybe(fc.oneof(hostileText, hostileAnything)),
          async (calls, status, reason) => {
            await runSequence(kind, calls, { status, reason });
          },
        ),
        fcParams(kind === 'sync' ? NUM_RUNS : Math.ceil(NUM_RUNS / 2)),
      );
      const catalogue = [...untyped.keys()].sort();
      expect(catalogue, `calls that threw something other than a RunledgerError (nothing was written):\n${catalogue.join('\n')}`).toEqual(
        [],
      );
    },
    pick(120_000, 1_800_000),
  );

  it.each([
    [
      'a title that cannot become a string (null-prototype object)',
      (c: MetricsCollector) => c.startIssue(1, { title: Object.create(null) }),
    ],
    [
      'a title whose toString throws',
      (c: MetricsCollector) =>
        c.startIssue(1, {
          title: {
            toString: () => {
              throw new Error('no');
            },
          } as never,
        }),
    ],
    ['labels that are not an array', (c: MetricsCollector) => c.startIssue(1, { labels: 5 as never })],
    ['a finalizeRun reason that cannot become a string', (c: MetricsCollector) => c.finalizeRun('completed', Object.create(null))],
    [
      'a finalizeRun reason that is an object mentioning a secret',
      (c: MetricsCollector) => c.finalizeRun('completed', { toString: () => 'password=hunter2hunter2' } as never),
    ],
    ['null instead of the token usage object', (c: MetricsCollector) => c.recordTokenUsage(null as never)],
    ['null instead of the error object', (c: MetricsCollector) => c.recordError(null as never)],
    ['null instead of the endToolCall options', (c: MetricsCollector) => c.endToolCall('call-1', null as never)],
  ] as const)('%s is refused with a typed error (RunledgerError with a code), and nothing is written', async (_name, call) => {
    const dir = tortureDir();
    const c = await MetricsCollector.start(startOptions(dir, 'typed'));
    c.startToolCall('t');
    const before = fs.readFileSync(c.journalPath);
    let thrown: unknown = null;
    try {
      call(c);
    } catch (error) {
      thrown = error;
    }
    figures.tried += 1;
    expect(fs.readFileSync(c.journalPath).equals(before), 'the journal changed').toBe(true);
    if (thrown instanceof RunledgerError) figures.refused += 1;
    else if (thrown === null) figures.accepted += 1;
    else figures.untypedErrors += 1;
    expect(thrown, `threw ${describeThrown(thrown)}`).toBeInstanceOf(RunledgerError);
    c.close();
  });

  it(
    'an unknown key in any options object (a typo, a near miss or anything else) is refused with EVENT_INVALID naming the key, and the closest known key when one is close; nothing is written',
    async () => {
      // Each call with its options object, and the keys that object takes.
      const calls: Array<[string, readonly string[], (c: MetricsCollector, o: Record<string, unknown>) => unknown]> = [
        ['startIssue', ['title', 'labels'], (c, o) => c.startIssue(9, o)],
        ['startAgent', ['issueId'], (c, o) => c.startAgent('a', o)],
        ['finalizeAgent', ['success', 'agentId', 'error'], (c, o) => c.finalizeAgent({ success: true, ...o })],
        ['startToolCall', ['issueId', 'agentId'], (c, o) => c.startToolCall('t', o)],
        ['endToolCall', ['success', 'error'], (c, o) => c.endToolCall('call-1', { success: true, ...o })],
        [
          'recordTokenUsage',
          [
            'model',
            'provider',
            'inputTokens',
            'outputTokens',
            'cacheReadTokens',
            'cacheWriteTokens',
            'reasoningTokens',
            'issueId',
            'agentId',
          ],
          (c, o) => c.recordTokenUsage({ model: 'm', inputTokens: 1, outputTokens: 1, ...o }),
        ],
        [
          'recordPipeline',
          ['pipelineId', 'commitSha', 'status', 'triggeredBy', 'attempt', 'durationMs', 'failingTests', 'issueId'],
          (c, o) => c.recordPipeline({ pipelineId: 'p', commitSha: 'a', status: 'success', triggeredBy: 't', ...o }),
        ],
        [
          'recordDebuggingCycle',
          ['trigger', 'resolved', 'failingTests', 'durationMs', 'issueId', 'agentId'],
          (c, o) => c.recordDebuggingCycle({ trigger: 't', resolved: true, ...o }),
        ],
        [
          'recordError',
          ['kind', 'message', 'recoverable', 'issueId', 'agentId', 'callId', 'tool'],
          (c, o) => c.recordError({ kind: 'k', message: 'm', recoverable: true, ...o }),
        ],
        [
          'finalizeIssue',
          ['filesCreated', 'filesModified', 'filesDeleted', 'linesAdded', 'linesRemoved', 'testsAdded', 'coveragePercent'],
          (c, o) => c.finalizeIssue(1, 'completed', o),
        ],
        ['trackIssue', ['title', 'labels', 'code', 'status'], (c, o) => c.trackIssue(9, () => 1, o)],
        ['trackToolCall', ['issueId', 'agentId', 'succeeded'], (c, o) => c.trackToolCall('t', () => 1, o)],
      ];
      // A known key with one character dropped, doubled, swapped or changed; or any string at all.
      const typo = (key: string): fc.Arbitrary<string> =>
        fc.oneof(
          fc.nat(key.length - 1).map((i) => key.slice(0, i) + key.slice(i + 1)),
          fc.nat(key.length - 1).map((i) => key.slice(0, i + 1) + key.slice(i)),
          fc.nat(key.length - 2).map((i) => key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2)),
          fc.tuple(fc.nat(key.length - 1), fc.constantFrom('x', 'q', 'Z')).map(([i, ch]) => key.slice(0, i) + ch + key.slice(i + 1)),
        );
      const dir = tortureDir();
      const c = await MetricsCollector.start(startOptions(dir, 'keys'));
      c.startIssue(1);
      c.startToolCall('t');
      await assertProperty(
        fc.asyncProperty(
          fc
            .nat(calls.length - 1)
            .chain((i) =>
              fc.tuple(
                fc.constant(i),
                fc.oneof(
                  fc.constantFrom(...calls[i]![1]).chain(typo),
                  fc.string({ maxLength: 12 }),
                  fc.constantFrom('__proto__', 'constructor'),
                ),
                hostileAnything,
              ),
            ),
          async ([i, key, value]) => {
            const [name, known, call] = calls[i]!;
            fc.pre(!known.includes(key));
            figures.tried += 1;
            const options: Record<string, unknown> = {};
            Object.defineProperty(options, key, { value, enumerable: true, writable: true, configurable: true });
            const before = fs.readFileSync(c.journalPath);
            let thrown: unknown = null;
            try {
              await call(c, options);
            } catch (error) {
              thrown = error;
            }
            expect(fs.readFileSync(c.journalPath).equals(before), `${name} with ${JSON.stringify(key)}: the journal changed`).toBe(true);
            expect(thrown, `${name} with ${JSON.stringify(key)}: ${describeThrown(thrown)}`).toBeInstanceOf(RunledgerError);
            expect((thrown as RunledgerError).code).toBe('EVENT_INVALID');
            expect([key, `code.${key}`]).toContain((thrown as { field: string }).field);
            expect((thrown as Error).message).toContain('unknown key');
            figures.refused += 1;
          },
        ),
        fcParams(pick(200, 3000)),
      );
      // The closest known key is named for a near miss.
      expect(() => c.finalizeIssue(1, 'completed', { linesAddedd: 250 } as never)).toThrow(
        /code\.linesAddedd = 250 .*did you mean "linesAdded"/,
      );
      expect(() => c.recordTokenUsage({ model: 'm', inputTokens: 1, outputTokens: 1, cachedTokens: 1 } as never)).toThrow(
        /did you mean "cacheReadTokens"/,
      );
      c.close();
    },
    pick(60_000, 600_000),
  );

  it(
    'arbitrary configurations (NaN, Infinity, class instances, Dates, functions, cycles, __proto__ keys, deep nesting, 10 MB strings): start records plain JSON exactly and replay gives it back, or refuses with CONFIG_INVALID and creates nothing at all',
    async () => {
      const protoConfig = JSON.parse(
        '{"llm":{"model":"m","__proto__":{"polluted":true}},"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
      );
      const configArb = fc.oneof(
        fc.constant(protoConfig),
        fc.constant({ llm: { model: 'm' }, deep: nest(30) }),
        fc.constant({ llm: { model: 'm' }, deep: nest(40) }),
        fc.constant({ llm: { model: 'm' }, big: 'x'.repeat(70_000) }),
        fc.constant({ llm: { model: 'unknown' } }),
        fc.constant({ llm: { model: 'm', temperature: Number.NaN } }),
        fc.record({
          llm: fc.record({ model: hostileIdentifier, provider: maybe(hostileIdentifier), temperature: maybe(hostileNumber) }),
          maxRetries: maybe(hostileNumber),
          minCoveragePercent: maybe(hostileNumber),
          extra: maybe(hostileAnything),
        }),
        fc.record({ llm: fc.constant({ model: 'deepseek-chat' }), extra: fc.jsonValue() }),
        hostileAnything,
      );
      await assertProperty(
        fc.asyncProperty(configArb, fc.oneof(fc.constant('torture'), hostileIdentifier), async (config, projectId) => {
          const dir = tortureDir('runledger-torture-config-');
          const logs = path.join(dir, 'logs');
          figures.configsTried += 1;
          figures.tried += 1;
          let collector: MetricsCollector | null = null;
          let thrown: unknown = null;
          try {
            collector = await MetricsCollector.start({ ...quiet(logs, 'cfg'), projectId, config });
          } catch (error) {
            thrown = error;
          }
          expect(({} as Record<string, unknown>).polluted, 'Object.prototype was polluted').toBeUndefined();
          expect(({} as Record<string, unknown>).isAdmin, 'Object.prototype was polluted').toBeUndefined();
          if (collector === null) {
            expect(thrown, `not a RunledgerError: ${describeThrown(thrown)}`).toBeInstanceOf(RunledgerError);
            expect(['CONFIG_INVALID', 'EVENT_INVALID']).toContain((thrown as RunledgerError).code);
            expect(fs.existsSync(logs), 'a refused start created the logs folder').toBe(false);
            figures.refused += 1;
            return;
          }
          figures.accepted += 1;
          collector.finalizeRun('completed');
          const recorded = (scanRun(logs, 'cfg').entries[0]!.data as { config: unknown }).config;
          // Plain JSON: what JSON would keep of the input (undefined members dropped, -0 as 0).
          // Credentials in it are redacted before anything is written (README "Security").
          expect(JSON.stringify(recorded)).toBe(JSON.stringify(redactConfigCredentials(config)));
          await expectReplayedExactly(logs, 'cfg');
          if (config === protoConfig) {
            const meta = runMetadata(logs, 'cfg')!;
            expect(Object.hasOwn(meta.config, '__proto__'), '__proto__ key kept as data').toBe(true);
            expect(meta.config.__proto__).toEqual({ isAdmin: true });
          }
        }),
        fcParams(pick(20, 300)),
      );
    },
    pick(120_000, 1_800_000),
  );

  it(
    'run ids that try path traversal (.., /, \\, NUL, %2e, unicode, 129 characters): start, resume, replay and the CLI refuse them with RUN_ID_INVALID (exit 2) and nothing is created outside logs/runs/<valid id>/',
    async () => {
      const sandbox = tortureDir('runledger-torture-runid-');
      const logs = path.join(sandbox, 'logs');
      fs.mkdirSync(logs);
      await assertProperty(
        fc.asyncProperty(runIdArb, async (runId) => {
          figures.runIdsTried += 1;
          figures.tried += 1;
          const valid = /^[A-Za-z0-9._-]{1,128}$/.test(runId) && runId !== '.' && runId !== '..';
          const attempts: Array<[string, () => Promise<unknown>]> = [
            ['start', async () => (await MetricsCollector.start({ ...quiet(logs, runId), projectId: 'p', config: CONFIG })).close()],
            ['resume', async () => (await MetricsCollector.resume({ ...quiet(logs, runId), lockWaitMs: 0 })).close()],
            ['replay', () => replay({ dir: logs, runIds: [runId] })],
            ['verifyRun', async () => verifyRun(logs, runId)],
          ];
          for (const [name, attempt] of attempts) {
            let thrown: unknown = null;
            try {
              await attempt();
            } catch (error) {
              thrown = error;
            }
            if (!valid) {
              expect(thrown, `${name}(${JSON.stringify(runId)})`).toBeInstanceOf(RunledgerError);
              expect((thrown as RunledgerError).code, `${name}(${JSON.stringify(runId)})`).toBe('RUN_ID_INVALID');
            } else if (thrown !== null) {
              expect(thrown, `${name}(${JSON.stringify(runId)}): ${describeThrown(thrown)}`).toBeInstanceOf(RunledgerError);
            }
          }
          if (valid) figures.accepted += 1;
          else figures.refused += 1;
          // Nothing outside the logs folder; inside it, only runs/<valid id>/ and replay's own files.
          expect(
            listTree(sandbox).filter((p) => !p.startsWith('logs')),
            `created outside logs/ for ${JSON.stringify(runId)}`,
          ).toEqual([]);
          for (const p of listTree(logs)) {
            expect(
              /^(runs(\/[A-Za-z0-9._-]{1,128}(\/.*)?)?|csv(\/.*)?|\.replay(\/.*)?|\.replay\.lock(\/.*)?|analysis(\/.*)?)$/.test(p),
              `unexpected path logs/${p}`,
            ).toBe(true);
            if (p.startsWith('runs/')) expect(['.', '..']).not.toContain(p.split('/')[1]);
          }
        }),
        fcParams(pick(40, 400)),
      );
      // The CLI: exit 2, before touching any file.
      for (const bad of ['../x', '..', 'a/b', 'x'.repeat(129)]) {
        const cli = await runNode([CLI, 'verify', '--dir', logs, bad]);
        expect(cli.code, `verify ${bad}: ${cli.stderr}`).toBe(2);
        expect(cli.stderr).toMatch(/Invalid run id/);
      }
    },
    pick(120_000, 900_000),
  );

  type S = { text: string; hidden: string };
  it(
    'credentials in error messages, thrown errors, tool-call and agent errors, titles and reasons never reach the journal, the read models or the tables',
    async () => {
      const leaks: string[] = [];
      await assertProperty(
        fc.asyncProperty(fc.array(textWithSecret, { minLength: 1, maxLength: 6 }), async (secrets) => {
          const dir = tortureDir('runledger-torture-secret-');
          const c = await MetricsCollector.start(startOptions(dir, 'secrets'));
          const [a, b, d, e, f, g] = [0, 1, 2, 3, 4, 5].map((i) => secrets[i % secrets.length]!) as [S, S, S, S, S, S];
          c.startIssue(1, { title: a.text });
          const agent = c.startAgent('coding');
          c.recordError({ kind: 'tool', message: b.text, recoverable: true });
          c.recordError({ kind: 'tool', message: new Error(d.text), recoverable: true });
          const call = c.startToolCall('curl');
          c.endToolCall(call, { success: false, error: new TypeError(e.text) });
          try {
            c.trackToolCall('http', () => {
              throw new Error(f.text);
            });
          } catch {
            // rethrown as documented
          }
          c.finalizeAgent({ agentId: agent, success: false, error: g.text });
          c.finalizeRun('failed', a.text);
          await replay({ dir });
          figures.secretsTried += secrets.length;
          figures.tried += 8;
          figures.accepted += 8;
          const places = [
            runPaths(dir, 'secrets').journal,
            ...listTree(dir)
              .map((p) => path.join(dir, p))
              .filter((p) => fs.statSync(p).isFile() && !p.endsWith('events.ndjson')),
          ];
          for (const s of secrets) {
            for (const file of places) {
              if (fs.readFileSync(file, 'utf8').includes(s.hidden)) {
                figures.secretsLeaked += 1;
                leaks.push(`${JSON.stringify(s.text)} leaked into ${path.relative(dir, file)}`);
              }
            }
          }
        }),
        fcParams(pick(40, 500)),
      );
      expect([...new Set(leaks)], [...new Set(leaks)].join('\n')).toEqual([]);
    },
    pick(120_000, 900_000),
  );

  it('credentials in the config (api keys, secrets, passwords, access/auth/bearer tokens, and any value shaped like a key) never reach the journal, metadata.json or the tables; counters such as maxTokens are kept', async () => {
    const dir = tortureDir();
    const hidden = {
      apiKey: 'sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f',
      secret: 'plain-words-but-a-secret',
      password: 'hunter2hunter2',
      accessToken: 'opaque-access-123456',
      authToken: 'opaque-auth-123456',
      bearerToken: 'opaque-bearer-123456',
      nested: 'opaque-nested-123456',
      shaped: 'ghp_Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j',
    };
    const config = {
      llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.2, apiKey: hidden.apiKey, maxTokens: 4096 },
      maxRetries: 2,
      vault: { client_secret: hidden.secret, DB_PASSWORD: hidden.password },
      github: { accessToken: hidden.accessToken, 'x-auth-token': hidden.authToken, tokenLimit: 100_000 },
      http: { bearer_token: hidden.bearerToken, credentials: { user: 'me', pass: hidden.nested } },
      notes: [`pushed with ${hidden.shaped}`],
    };
    const c = await MetricsCollector.start(startOptions(dir, 'config-secrets', { config }));
    c.finalizeRun('completed');
    await replay({ dir });
    figures.secretsTried += Object.keys(hidden).length;
    const files = listTree(dir)
      .map((p) => path.join(dir, p))
      .filter((p) => fs.statSync(p).isFile());
    expect(files.some((f) => f.endsWith('metadata.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('runs.csv'))).toBe(true);
    const leaks: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const [name, value] of Object.entries(hidden)) if (text.includes(value)) leaks.push(`${name} in ${path.relative(dir, file)}`);
    }
    figures.secretsLeaked += leaks.length;
    expect(leaks, leaks.join('\n')).toEqual([]);
    const recorded = (scanRun(dir, 'config-secrets').entries[0]!.data as unknown as { config: typeof config }).config;
    expect(recorded.llm).toEqual({ provider: 'openai', model: 'gpt-4o', temperature: 0.2, apiKey: '[REDACTED]', maxTokens: 4096 });
    expect(recorded.github.tokenLimit).toBe(100_000);
    expect(recorded.http.credentials).toEqual({ user: '[REDACTED]', pass: '[REDACTED]' });
    expect(recorded.notes).toEqual(['pushed with gh_[REDACTED]']);
    expect(runMetadata(dir, 'config-secrets')!.config).toEqual(recorded);
  });

  it.each([
    ['projectId', { projectId: 'sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f' }, 'EVENT_INVALID'],
    ['runId', { runId: 'sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f' }, 'RUN_ID_INVALID'],
    ['runId', { runId: 'ghp_Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j' }, 'RUN_ID_INVALID'],
  ])('a %s that looks like a credential is refused, without repeating it, and nothing is created', async (_name, extra, code) => {
    const dir = tortureDir();
    const logs = path.join(dir, 'logs');
    const thrown = await MetricsCollector.start({ ...startOptions(logs, 'x'), ...extra }).catch((e: unknown) => e);
    figures.tried += 1;
    expect(thrown).toMatchObject({ code });
    figures.refused += 1;
    expect((thrown as Error).message).not.toContain('Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f');
    expect(fs.existsSync(logs)).toBe(false);
  });

  it.each([
    ['an OpenAI project key', 'sk-proj-', 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f'],
    ['an Anthropic key', 'sk-ant-', 'api03-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f'],
    ['a GitHub token', 'ghp_', 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j'],
    ['an AWS access key id', 'AKIA', 'IOSFODNN7EXAMPLE'],
    ['a Slack bot token', 'xoxb-', '1234567890-0987654321-Ab3dEf6hIj9lMn2p'],
    ['a Google API key', 'AIza', 'SyAb3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fG'],
    ['a Google API key ending in "-"', 'AIza', 'SyAb3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f-'],
    ['a Google API key ending in "_"', 'AIza', 'SyAb3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f_'],
    ['a bearer token', 'Bearer ', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
  ])('%s in an error message is redacted, at the end of the text or before a quote, comma or newline', async (_name, prefix, hidden) => {
    const dir = tortureDir();
    const c = await MetricsCollector.start(startOptions(dir, 'shapes'));
    const key = `${prefix}${hidden}`;
    const texts = [`failed with ${key}`, `{"key":"${key}"}`, `key=${key}, retrying`, `${key}\nnext line`];
    for (const message of texts) c.recordError({ kind: 'tool', message, recoverable: true });
    c.finalizeRun('completed');
    figures.secretsTried += texts.length;
    const journal = fs.readFileSync(runPaths(dir, 'shapes').journal, 'utf8');
    const leaked = texts.filter((t) => journal.includes(JSON.stringify(t).slice(1, -1)));
    figures.secretsLeaked += leaked.length;
    expect(leaked, `left unredacted in the journal: ${leaked.join(' | ')}`).toEqual([]);
  });

  it("a credential inside a tool name or other identifier (where a supervisor might put a tool's command line) does not reach the journal either", async () => {
    const dir = tortureDir();
    const c = await MetricsCollector.start(startOptions(dir, 'secret-ids'));
    const token = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789';
    const call = c.startToolCall(`curl -H "Authorization: Bearer ${token}" https://api.example.invalid`);
    c.endToolCall(call, { success: true });
    c.recordError({
      kind: 'tool',
      message: 'failed',
      recoverable: true,
      tool: `git push https://x-access-token:ghp_${'a1'.repeat(18)}@github.com/o/r`,
    });
    c.finalizeRun('completed');
    const journal = fs.readFileSync(runPaths(dir, 'secret-ids').journal, 'utf8');
    expect(journal.includes(token), 'an API key in a tool name reached the journal').toBe(false);
    expect(journal.includes('a1'.repeat(18)), 'a GitHub token in a tool name reached the journal').toBe(false);
  });

  it(
    'CSV cells never start a formula: text starting with = + - @ tab or CR in every text column gets a leading apostrophe, and a LibreOffice round trip (long mode) evaluates none of them',
    async () => {
      const dir = tortureDir();
      const c = await MetricsCollector.start(
        startOptions(dir, 'formulas', { config: { llm: { provider: '=1+1', model: '+1+1', temperature: 0.5 } } }),
      );
      const texts = [...FORMULAS];
      for (const [i, t] of texts.entries()) {
        c.startIssue(i, { title: t, labels: [t] });
        const agent = c.startAgent(t);
        const call = c.startToolCall(t);
        c.endToolCall(call, { success: false, error: t });
        c.recordTokenUsage({ model: t, provider: t, inputTokens: 10, outputTokens: 1 });
        c.recordError({ kind: t, message: t, recoverable: true, tool: t });
        c.recordPipeline({ pipelineId: t, commitSha: t, status: 'failed', triggeredBy: t });
        c.recordDebuggingCycle({ trigger: t, resolved: false });
        c.finalizeAgent({ agentId: agent, success: false, error: t });
        c.finalizeIssue(i, 'failed');
      }
      c.finalizeRun('failed', '=1+1');
      await replay({ dir });
      const before = figures.formulaCellsChecked;
      checkNoFormulaCells(dir);
      const escaped = figures.formulaCellsChecked - before;
      expect(escaped, 'cells escaped with a leading apostrophe').toBeGreaterThan(texts.length * 5);
      const errors = csvRecords(fs.readFileSync(path.join(dir, 'csv/errors.csv'), 'utf8'));
      expect(errors.map((r) => r.message)).toEqual(texts.map(expectedCell));
      expect(errors.map((r) => r.kind)).toEqual(texts.map(expectedCell));

      if (!LONG) return;
      // Long mode: open the tables the way a user would, with LibreOffice evaluating formulas on import.
      const soffice = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' });
      if (soffice.status !== 0) {
        figures.libreOffice = 'missing';
        process.stdout.write(`\n[torture long] ${SOFFICE_HELP}\n`);
        expect.fail(SOFFICE_HELP);
      }
      const profile = tortureDir('runledger-torture-lo-profile-');
      const out = tortureDir('runledger-torture-lo-out-');
      // The control: an unescaped formula written by this test IS evaluated, so the check below can fail.
      const control = path.join(out, 'control-in.csv');
      fs.writeFileSync(control, 'a,b\r\nx,=1+1\r\n');
      const controlRows = parseLooseCsv(libreOfficeRoundTrip(control, path.join(out, 'control'), profile));
      expect(controlRows[1]?.[1], 'LibreOffice did not evaluate the control formula: the check would prove nothing').toBe('2');
      for (const file of fs.readdirSync(path.join(dir, 'csv')).filter((f) => f.endsWith('.csv'))) {
        const original = parseCsv(fs.readFileSync(path.join(dir, 'csv', file), 'utf8'));
        const converted = parseLooseCsv(
          libreOfficeRoundTrip(path.join(dir, 'csv', file), path.join(out, file.replace('.csv', '')), profile),
        );
        original.forEach((row, r) =>
          row.forEach((cell, k) => {
            if (!cell.startsWith("'")) return;
            const shown = converted[r]?.[k];
            const text = cell.slice(1);
            // Shown as the text, with or without the apostrophe, never as a computed value. Line
            // breaks are compared as breaks: LibreOffice turns a CR inside a cell into LF.
            const breaks = (s: string | undefined): string | undefined => s?.replace(/\r\n?/g, '\n');
            expect([breaks(cell), breaks(text)], `${file} row ${r} column ${k}: LibreOffice shows ${JSON.stringify(shown)}`).toContain(
              breaks(shown),
            );
            figures.libreOfficeCellsChecked += 1;
          }),
        );
      }
      figures.libreOffice = 'checked';
    },
    pick(60_000, 600_000),
  );

  it(
    'under umask 022 every file runledger creates is 0600 and every folder 0700, derived ones included (a run, a resume, replay, the live update, `runs`, `replay`, `report --out`); a pre-existing 0755 logs folder is left as it is',
    async () => {
      const previous = process.umask(0o022);
      try {
        const logs = path.join(tortureDir(), 'logs');
        fs.mkdirSync(logs, { mode: 0o755 });
        const config = { llm: { provider: 'openai', model: 'gpt-4o', apiKey: 'sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4f' } };
        const c = await MetricsCollector.start({ ...startOptions(logs, 'private', { config }), liveUpdates: true });
        c.startIssue(1, { title: 'first' });
        c.recordTokenUsage({ model: 'gpt-4o', inputTokens: 100, outputTokens: 10 });
        c.finalizeIssue(1, 'completed', { linesAdded: 3 });
        await c.whenDerivedFilesUpdated();
        c.close();
        fs.appendFileSync(runPaths(logs, 'private').journal, '{"torn');
        const resumed = await MetricsCollector.resume({ ...quiet(logs, 'private'), lockStaleMs: 2000 });
        resumed.finalizeRun('completed');
        await replay({ dir: logs });
        for (const args of [['runs'], ['replay', '--full'], ['report', '--out', path.join(logs, 'reports', 'report.html')]]) {
          const cli = await runNode([CLI, ...args, '--dir', logs]);
          expect(cli.code, `runledger ${args.join(' ')}: ${cli.stderr}`).toBe(0);
        }
        expect(fs.existsSync(path.join(logs, 'reports', 'report.html')), 'report --out wrote its file').toBe(true);
        const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8).padStart(3, '0');
        expect(mode(logs), 'the pre-existing logs folder').toBe('755');
        const open: string[] = [];
        for (const p of listTree(logs)) {
          const full = path.join(logs, p);
          const want = fs.lstatSync(full).isDirectory() ? '700' : '600';
          if (mode(full) !== want) open.push(`${p}: ${mode(full)}`);
        }
        expect(listTree(logs).filter((p) => p.startsWith('csv/')).length).toBeGreaterThanOrEqual(7);
        expect(open, `created without private permissions:\n${open.join('\n')}`).toEqual([]);
      } finally {
        process.umask(previous);
      }
    },
    pick(60_000, 120_000),
  );

  it.each([
    ['022', 0o022],
    ['000', 0o000],
  ])('journal files are created 0600, run and quarantine folders 0700, under umask %s', async (_name, umask) => {
    const previous = process.umask(umask);
    try {
      const dir = tortureDir();
      const logs = path.join(dir, 'logs');
      const c = await MetricsCollector.start(startOptions(logs, 'modes'));
      c.recordError({ kind: 'k', message: 'm', recoverable: true });
      c.close();
      fs.appendFileSync(runPaths(logs, 'modes').journal, '{"torn');
      const resumed = await MetricsCollector.resume({ ...quiet(logs, 'modes'), lockStaleMs: 2000 });
      resumed.close();
      const paths = runPaths(logs, 'modes');
      const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8).padStart(3, '0');
      expect(mode(paths.journal), 'events.ndjson').toBe('600');
      expect(mode(paths.runDir), 'runs/<runId>/').toBe('700');
      expect(mode(paths.runsDir), 'runs/').toBe('700');
      expect(mode(logs), 'the logs folder runledger created').toBe('700');
      expect(mode(paths.quarantineDir), 'quarantine/').toBe('700');
      for (const name of fs.readdirSync(paths.quarantineDir))
        expect(mode(path.join(paths.quarantineDir, name)), `quarantine/${name}`).toBe('600');
    } finally {
      process.umask(previous);
    }
  });

  /** A logs folder whose one run is replaced by something hostile; `hostile` gets the run folder's path and a folder outside. */
  const HOSTILE_FILES: ReadonlyArray<[string, (runDir: string, outside: string) => void]> = [
    [
      'a run folder that is a symbolic link',
      (runDir, outside) => {
        fs.renameSync(runDir, path.join(outside, 'moved'));
        fs.symlinkSync(path.join(outside, 'moved'), runDir);
      },
    ],
    [
      'a journal that is a symbolic link',
      (runDir, outside) => {
        fs.renameSync(path.join(runDir, 'events.ndjson'), path.join(outside, 'events.ndjson'));
        fs.symlinkSync(path.join(outside, 'events.ndjson'), path.join(runDir, 'events.ndjson'));
      },
    ],
    [
      'a FIFO named events.ndjson',
      (runDir) => {
        fs.rmSync(path.join(runDir, 'events.ndjson'));
        spawnSync('mkfifo', [path.join(runDir, 'events.ndjson')]);
      },
    ],
    [
      'a folder named events.ndjson',
      (runDir) => {
        fs.rmSync(path.join(runDir, 'events.ndjson'));
        fs.mkdirSync(path.join(runDir, 'events.ndjson'));
      },
    ],
    [
      'a 3 MiB garbage tail without a newline',
      (runDir) => {
        fs.appendFileSync(path.join(runDir, 'events.ndjson'), Buffer.alloc(3 * 2 ** 20, 'g'));
      },
    ],
  ];

  it.each(HOSTILE_FILES)(
    '%s: verify, replay and cleanup end at once, without a stack trace, and touch nothing outside',
    async (_name, hostile) => {
      figures.hostileFilesTried += 1;
      const dir = tortureDir();
      const logs = path.join(dir, 'logs');
      const outside = path.join(dir, 'outside');
      fs.mkdirSync(outside);
      const c = await MetricsCollector.start(startOptions(logs, 'hostile'));
      c.startIssue(1);
      c.close();
      hostile(runPaths(logs, 'hostile').runDir, outside);
      const outsideBefore = fs.readdirSync(outside, { recursive: true }).sort();
      for (const args of [
        ['verify'],
        ['replay'],
        ['replay', '--full'],
        ['cleanup', '--keep-last', '0', '--include-crashed', '--dry-run'],
      ]) {
        // runNode kills a child that never ends: a regression fails here instead of hanging the suite.
        const result = await runNode([CLI, ...args, '--dir', logs], { timeoutMs: 60_000 });
        expect(result.signal, `${args.join(' ')}: ${result.stderr}`).toBeNull();
        expect([0, 1, 2], `${args.join(' ')}: ${result.stderr}`).toContain(result.code);
        expect(`${result.stdout}${result.stderr}`, args.join(' ')).not.toMatch(/\n\s+at /);
      }
      expect(fs.readdirSync(outside, { recursive: true }).sort()).toEqual(outsideBefore);
    },
  );

  it("damaged files under .replay/ (garbage, one byte flipped): the CLI's replay rebuilds them from the journals, same bytes, no stack trace", async () => {
    const dir = tortureDir();
    const logs = path.join(dir, 'logs');
    for (const runId of ['one', 'two']) {
      const c = await MetricsCollector.start(startOptions(logs, runId));
      c.startIssue(1);
      c.finalizeIssue(1, 'completed');
      c.finalizeRun('completed');
    }
    await replay({ dir: logs });
    const tables = (): string[] => ['runs.csv', 'issues.csv'].map((f) => fs.readFileSync(path.join(logs, 'csv', f), 'utf8'));
    const clean = tables();
    const damages: Array<(file: string) => void> = [
      (file) => fs.writeFileSync(file, 'xx\n'),
      (file) => {
        const bytes = fs.readFileSync(file);
        bytes[Math.floor(bytes.length / 2)]! ^= 4;
        fs.writeFileSync(file, bytes);
      },
    ];
    for (const name of ['runs/one.rows', 'runs/two.state.json', 'index.json', 'tables.json', 'analysis-runs.ndjson']) {
      for (const damage of damages) {
        figures.hostileFilesTried += 1;
        damage(path.join(logs, '.replay', name));
        fs.rmSync(path.join(logs, 'csv'), { recursive: true });
        fs.appendFileSync(runPaths(logs, 'two').journal, ''); // a replay that reads the run again sees its state
        const result = await runNode([CLI, 'replay', '--full', '--dir', logs], { timeoutMs: 60_000 });
        expect(result.code, `${name}: ${result.stderr}`).toBe(0);
        expect(result.stderr, name).not.toMatch(/\n\s+at /);
        expect(tables(), name).toEqual(clean);
        const analysis = await runNode([CLI, 'compare', '--by', 'llm.model', '--dir', logs], { timeoutMs: 60_000 });
        expect(analysis.code, `${name}: ${analysis.stderr}`).toBe(0);
      }
    }
  });
});

// ---- hostile arguments and folders at the command line ------------------------------------------

/** Runs the built CLI; `NO_COLOR` so that output is plain text. */
function cli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; preload?: string; timeoutMs?: number } = {}) {
  const preload = options.preload === undefined ? [] : ['--import', `data:text/javascript,${encodeURIComponent(options.preload)}`];
  return runNode([...preload, CLI, ...args], { env: { NO_COLOR: '1', ...options.env }, timeoutMs: options.timeoutMs });
}

/** A refusal as README "Errors" promises it: exit 2, one line on stderr that starts with "runledger: ", no stack trace. */
function expectRefusal(result: { code: number | null; stdout: string; stderr: string }, what: string, pattern?: RegExp): void {
  expect(result.code, `${what}: exit code (stderr: ${result.stderr})`).toBe(2);
  expect(result.stderr, `${what}: no stack trace`).not.toMatch(/\n\s+at |node:internal|^\S+Error:/m);
  expect(result.stderr.trimEnd().split('\n'), `${what}: one line`).toHaveLength(1);
  expect(result.stderr, what).toMatch(/^runledger: /);
  if (pattern) expect(result.stderr, what).toMatch(pattern);
}

async function recordFinishedRun(dir: string, runId: string): Promise<void> {
  const c = await MetricsCollector.start(startOptions(dir, runId));
  c.startIssue(1, { title: 'one' });
  c.finalizeIssue(1, 'completed');
  c.finalizeRun('completed');
}

describe('hostile arguments and folders at the command line: a one-line refusal with exit 2, never a stack trace, a hang or a new folder', () => {
  it('--dir naming a file is refused by every command that reads a logs folder', async () => {
    const file = path.join(tortureDir(), 'a-file');
    fs.writeFileSync(file, 'not a folder\n');
    for (const args of [
      ['runs'],
      ['verify'],
      ['replay'],
      ['cleanup', '--keep-last', '1'],
      ['report'],
      ['compare', '--by', 'llm.model'],
      ['prices', '--check'],
      ['show', 'r1'],
      ['tail', 'r1'],
    ]) {
      expectRefusal(await cli([...args, '--dir', file]), args.join(' '), /is not a folder/);
      figures.tried += 1;
      figures.refused += 1;
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  it('read commands never create the logs folder: a --dir that does not exist is refused', async () => {
    const missing = path.join(tortureDir(), 'no', 'such', 'logs');
    for (const args of [['runs'], ['verify'], ['replay'], ['report'], ['compare', '--by', 'llm.model'], ['prices', '--check']]) {
      expectRefusal(await cli([...args, '--dir', missing]), args.join(' '), /no such folder/);
      figures.tried += 1;
      figures.refused += 1;
    }
    expect(fs.existsSync(path.dirname(path.dirname(missing))), 'a read command created folders').toBe(false);
  });

  it('an empty RUNLEDGER_DIR is refused, not read as the current folder', async () => {
    const cwdLogs = path.join(ROOT, 'logs');
    const existed = fs.existsSync(cwdLogs);
    expectRefusal(await cli(['runs'], { env: { RUNLEDGER_DIR: '' } }), 'RUNLEDGER_DIR=', /RUNLEDGER_DIR is set but empty/);
    expectRefusal(await cli(['runs', '--dir', '']), '--dir ""', /empty/);
    expect(fs.existsSync(cwdLogs)).toBe(existed);
  });

  it('serve refuses to start on a --dir that is a file, or lies under one', async () => {
    const file = path.join(tortureDir(), 'a-file');
    fs.writeFileSync(file, '');
    for (const dir of [file, path.join(file, 'logs')]) {
      const result = await cli(['serve', '--dir', dir, '--port', '0'], { timeoutMs: 15_000 });
      expectRefusal(result, `serve --dir ${dir}`, /is not a folder/);
    }
  });

  it('an events.ndjson that is a folder: show and tail refuse it, verify and replay refuse that run by name and go on with the others', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'good');
    fs.mkdirSync(path.join(dir, 'runs', 'odd', 'events.ndjson'), { recursive: true });
    expectRefusal(await cli(['show', 'odd', '--dir', dir]), 'show', /Run odd is refused: .*events\.ndjson is a folder/);
    expectRefusal(await cli(['tail', 'odd', '--dir', dir]), 'tail', /Run odd is refused: .*events\.ndjson is a folder/);
    const verify = await cli(['verify', '--dir', dir]);
    expect(verify.code, verify.stderr).toBe(1);
    expect(verify.stdout).toMatch(/REFUSED {2}odd: .*events\.ndjson is a folder/);
    expect(verify.stdout).toMatch(/ok {7}good/);
    // As for a corrupt journal: the finding makes the exit 1, and the other runs are replayed.
    const replayed = await cli(['replay', '--dir', dir, '--json']);
    expect(replayed.code, replayed.stderr).toBe(1);
    const outcomes = Object.fromEntries(
      JSON.parse(replayed.stdout).runs.map((r: { runId: string; outcome: string }) => [r.runId, r.outcome]),
    );
    expect(outcomes.odd).toBe('refused');
    expect(outcomes.good).not.toBe('refused');
  });

  it('verify reports a journal in a folder whose name is not a run id instead of skipping it silently', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'good');
    fs.mkdirSync(path.join(dir, 'runs', 'bad name!'));
    fs.copyFileSync(runPaths(dir, 'good').journal, path.join(dir, 'runs', 'bad name!', 'events.ndjson'));
    const verify = await cli(['verify', '--dir', dir, '--json']);
    expect(verify.code, verify.stderr).toBe(1);
    const report = JSON.parse(verify.stdout);
    expect(report.ok).toBe(false);
    expect(report.unchecked.map((u: { folder: string }) => u.folder)).toEqual(['bad name!']);
    expect(report.unchecked[0].problem).toMatch(/not a run id/);
  });

  it('report --out naming an existing folder is refused before anything is analysed', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'good');
    const out = tortureDir();
    for (const format of ['md', 'html']) {
      expectRefusal(await cli(['report', '--dir', dir, '--format', format, '--out', out]), `report --format ${format}`, /is a folder/);
    }
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('tail --follow stops with one line and exit 2 when the run is removed under it', async () => {
    const dir = tortureDir();
    // An unfinished run: tail --follow of a finished one has nothing to wait for and exits 0 at once.
    const c = await MetricsCollector.start(startOptions(dir, 'going'));
    c.startIssue(1);
    c.close();
    const running = cli(['tail', 'going', '--dir', dir, '--follow'], { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    fs.rmSync(runPaths(dir, 'going').runDir, { recursive: true, force: true });
    const result = await running;
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^runledger: run going was removed .*stopped following\n$/);
  });

  it('every numeric option is bounded: huge, fractional, negative or non-numeric values are refused at once (exit 2), before any work', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'r1');
    const before = fs.readdirSync(dir).sort();
    const cases: string[][] = [
      ['compare', '--by', 'llm.model', '--resamples', '1e12'],
      ['compare', '--by', 'llm.model', '--resamples', '100000000'],
      ['compare', '--by', 'llm.model', '--resamples', '100001'],
      ['compare', '--by', 'llm.model', '--resamples', '0'],
      ['influence', '--resamples', 'abc'],
      ['report', '--resamples', '2.5'],
      ['best', '--seed', '1e300'],
      ['trends', '--last', '1e12'],
      ['trends', '--last', '0'],
      ['report', '--last', '-3'],
      ['cleanup', '--keep-last', '1e300'],
      ['cleanup', '--keep-last', 'lots'],
      ['tail', 'r1', '-n', 'abc'],
      ['tail', 'r1', '-n', '1000000000000000'],
      ['ship', '--to', 'nats://127.0.0.1:1', '--replicas', '99'],
      ['serve', '--port', '1e5'],
      ['serve', '--port', '0', '--body-limit', '1e12'],
    ];
    for (const args of cases) {
      const started = Date.now();
      expectRefusal(await cli([...args, '--dir', dir], { timeoutMs: 15_000 }), args.join(' '), /is not a whole number from/);
      expect(Date.now() - started, `${args.join(' ')}: refused at once`).toBeLessThan(10_000);
      figures.tried += 1;
      figures.refused += 1;
    }
    expect(fs.readdirSync(dir).sort(), 'a refused command wrote derived files').toEqual(before);
  });

  it('the library refuses resamples above 100,000 with a typed error instead of running out of memory', async () => {
    const { compareConfigurations, analysisReport } = await import('../../src/entries/analysis.js');
    for (const resamples of [1e12, 1e8, 100_001, 0, 2.5]) {
      expect(() => compareConfigurations([], { by: ['llm.model'], resamples }), String(resamples)).toThrow(RunledgerError);
      expect(() => analysisReport([], { resamples }), String(resamples)).toThrow(RunledgerError);
    }
  });

  it('show --issue with an issue the run does not have is refused, not an empty timeline', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'r1');
    expectRefusal(await cli(['show', 'r1', '--issue', 'abc', '--dir', dir]), 'show --issue abc', /has no such issue \(its issues: "1"\)/);
    const one = await cli(['show', 'r1', '--issue', '1', '--dir', dir]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/IssueStarted/);
  });

  it('control characters from a journal never reach the terminal raw: show, tail, runs and the text analyses escape them; JSON stays exact', async () => {
    const dir = tortureDir();
    const hostileModel = 'evil\x1b]0;owned\x07\u202e';
    const c = await MetricsCollector.start(
      startOptions(dir, 'ctl', { config: { llm: { provider: 'x', model: hostileModel, temperature: 0.5 } } }),
    );
    c.startIssue(1, { title: 'title\x1b[2J\x00' });
    c.recordError({ kind: 'k\nx', message: 'bell\x07 nul\x00 esc\x1b[31m cr\r', recoverable: true, issueId: 1 });
    c.finalizeIssue(1, 'completed');
    c.finalizeRun('completed');
    // Anything a terminal acts on: C0 controls but the line breaks of the output itself, DEL, C1, bidi overrides.
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    const raw = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
    for (const args of [['show', 'ctl'], ['tail', 'ctl', '-n', '100'], ['runs'], ['compare', '--by', 'llm.model'], ['report']]) {
      const result = await cli([...args, '--dir', dir]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(raw.test(result.stdout), `${args.join(' ')} printed a control character: ${JSON.stringify(result.stdout)}`).toBe(false);
      expect(raw.test(result.stderr), `${args.join(' ')} printed a control character on stderr`).toBe(false);
    }
    const show = await cli(['show', 'ctl', '--dir', dir]);
    const timeline = show.stdout.trimEnd().split('\n');
    // One line per event, and the forged "x" line is not one of them.
    expect(timeline.filter((l) => /^\s+\d+ {2}/.test(l)).length).toBe(timeline.length - 1);
    expect(show.stdout).toContain('ErrorRecorded          k\\nx (recoverable): bell\\x07 nul\\x00 esc\\x1b[31m cr\\r');
    const json = JSON.parse((await cli(['show', 'ctl', '--dir', dir, '--json'])).stdout);
    expect(json.events.find((e: { type: string }) => e.type === 'ErrorRecorded').data.kind).toBe('k\nx');
  });

  it('the Markdown report shows HTML and Markdown from the journals as text: no <script>, no <img onerror>, no links', async () => {
    const dir = tortureDir();
    const models = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '[click](javascript:alert(1))'];
    for (const [i, model] of models.entries()) {
      for (let r = 0; r < 2; r++) {
        const c = await MetricsCollector.start(
          startOptions(dir, `md-${i}-${r}`, { config: { llm: { provider: 'x', model, temperature: 0.5 } } }),
        );
        c.startIssue(1);
        c.finalizeIssue(1, r === 0 ? 'completed' : 'failed');
        c.finalizeRun('completed');
      }
    }
    const out = path.join(tortureDir(), 'report.md');
    const result = await cli(['report', '--dir', dir, '--format', 'md', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const md = fs.readFileSync(out, 'utf8');
    expect(md).not.toMatch(/<script|<img|(?<!\\)\[click/i);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(md).toContain('\\[click](javascript:alert(1))');
  });

  it("serve answers a malformed URL and a 300-character run id in runledger's error body, and checks the token first", async () => {
    const { startServer } = await import('../../src/entries/serve.js');
    const token = 'hostile-input-token-0123456789';
    const server = await startServer({ dir: tortureDir(), port: 0, token, liveUpdates: false });
    try {
      for (const [url, status] of [
        ['/runs/%E0%A4%A', 400],
        [`/runs/${'a'.repeat(300)}`, 414],
        [`/runs/${'a'.repeat(300)}/calls`, 414],
      ] as const) {
        const anonymous = await fetch(server.url + url);
        expect(anonymous.status, `${url}: the token is checked first`).toBe(401);
        expect((await anonymous.json()).error.code).toBe('UNAUTHORIZED');
        const answer = await fetch(server.url + url, { headers: { authorization: `Bearer ${token}` } });
        expect(answer.status, url).toBe(status);
        const body = await answer.json();
        expect(Object.keys(body), url).toEqual(['error']);
        expect(body.error.code, url).toBe('REQUEST_INVALID');
        expect(typeof body.error.message).toBe('string');
      }
    } finally {
      await server.close();
    }
  });

  it('a read-only logs folder is analysed without writing derived files (with a note); replay and cleanup refuse it', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'r1');
    await recordFinishedRun(dir, 'r2');
    // Readable by everyone, writable by its owner only; the commands run as another user (nobody when root).
    const open = (p: string): void => {
      fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
      if (fs.statSync(p).isDirectory()) for (const name of fs.readdirSync(p)) open(path.join(p, name));
    };
    open(dir);
    const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (!('uid' in asOther)) fs.chmodSync(dir, 0o555);
    const before = fs.readdirSync(dir).sort();
    const run = (args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args, '--dir', dir], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        ...asOther,
        timeout: 30_000,
      });
    for (const args of [['runs'], ['compare', '--by', 'llm.model'], ['report'], ['prices', '--check']]) {
      const result = run(args);
      expect(result.status === 0 || (args[0] === 'prices' && result.status === 1), `${args.join(' ')}: ${result.stderr}`).toBe(true);
      expect(result.stderr, args.join(' ')).toMatch(/^note: .* is read-only: read from the journals without writing derived files$/m);
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
    expect(run(['runs', '--json']).stdout).toMatch(/"runId": "r2"/);
    // The HTML report too: read from the journals and written where --out says, never into the folder.
    const elsewhere = tortureDir();
    fs.chmodSync(elsewhere, 0o777);
    const html = run(['report', '--format', 'html', '--out', path.join(elsewhere, 'r.html')]);
    expect(html.status, html.stderr).toBe(0);
    expect(html.stderr).toMatch(/^note: .* is read-only: read from the journals without writing derived files$/m);
    expect(fs.readFileSync(path.join(elsewhere, 'r.html'), 'utf8')).toContain('r2');
    const noOut = run(['report', '--format', 'html']);
    expect(noOut.status, noOut.stderr).toBe(2);
    expect(noOut.stderr).toMatch(/is read-only: give --out to write the HTML report elsewhere/);
    for (const args of [['replay'], ['cleanup', '--keep-last', '1']]) {
      const result = run(args);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(/^runledger: Logs folder .*: it is read-only/);
    }
    expect(fs.readdirSync(dir).sort(), 'nothing was written').toEqual(before);
  });

  it('ENOSPC while replay writes derived files: one line, exit 2, the journals untouched', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'r1');
    const journal = fs.readFileSync(runPaths(dir, 'r1').journal);
    const preload =
      "import fs from 'node:fs'; fs.writeSync = () => { const e = new Error('ENOSPC: no space left on device, write'); e.code = 'ENOSPC'; throw e; };";
    const result = await cli(['replay', '--dir', dir], { preload });
    expectRefusal(result, 'replay with a full disk', /ENOSPC.*the disk is full/);
    expect(fs.readFileSync(runPaths(dir, 'r1').journal).equals(journal)).toBe(true);
  });

  it('an unexpected error prints one line asking to report it (exit 3), and its stack only with --debug', async () => {
    const dir = tortureDir();
    await recordFinishedRun(dir, 'good');
    const preload = "import fs from 'node:fs'; fs.readdirSync = () => { throw new TypeError('injected bug'); };";
    const plain = await cli(['verify', '--dir', dir], { preload });
    expect(plain.code, plain.stderr).toBe(3);
    expect(plain.stderr).toMatch(/^runledger: unexpected error: TypeError: injected bug\. This is a bug in runledger .*please report it/);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    const debug = await cli(['verify', '--dir', dir, '--debug'], { preload });
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
