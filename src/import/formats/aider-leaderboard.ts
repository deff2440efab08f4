import fs from 'node:fs';
import path from 'node:path';
import type { JsonValue } from '../../../events/config.js';
import { ImportInputError } from '../../errors.js';
import { FieldReader } from '../fields.js';
import type { ImportedEvent, ImportedRun, Importer, ImportOptions } from '../importer.js';
import { splitModelName } from '../model-name.js';
import { sha256File, sha256Text } from '../source-hash.js';
import { tokenRecord, unknownCostRecord } from '../token-record.js';
import { issueFinished } from './aider.js';
import { reportedCost } from './reported-cost.js';

/** Keys of a leaderboard entry kept in the run's config under their own (camel-cased) names. */
const CONFIG_KEYS: ReadonlyArray<readonly [key: string, name: string]> = [
  ['dirname', 'benchmarkRun'],
  ['versions', 'aiderVersion'],
  ['commit_hash', 'aiderCommit'],
  ['command', 'command'],
  ['reasoning_effort', 'reasoningEffort'],
  ['thinking_tokens', 'thinkingTokens'],
  ['editor_model', 'editorModel'],
  ['editor_edit_format', 'editorEditFormat'],
];

/** One leaderboard entry, checked: what its run is made of. */
interface Entry {
  readonly line: number;
  readonly dirname: string;
  readonly model: string;
  readonly testCases: number;
  /** Passed at the first try, and by the last try. */
  readonly passFirst: number;
  readonly passLast: number;
  readonly tries: 1 | 2;
  readonly totalCost: number | null;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly startedAt: Date;
  readonly config: ImportedRun['config'];
  /** The entry as parsed: its hash is the run's identity. */
  readonly raw: Record<string, unknown>;
}

/** aider names a run folder by its local start time, `YYYY-MM-DD-HH-MM-SS--name`; read as UTC (the zone is not kept). */
function startOfDirname(dirname: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})--/.exec(dirname);
  if (!m) return null;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? null : new Date(t);
}

/** A pass count: `pass_num_N` where the entry has it, else the older `pass_rate_N` percentage turned back into a count. */
function passCount(fields: FieldReader, record: Record<string, unknown>, n: 1 | 2, testCases: number): number | null {
  const count = fields.optionalCount(record, `pass_num_${n}`);
  if (count !== null) return count;
  const rate = fields.optionalNumber(record, `pass_rate_${n}`);
  return rate === null ? null : Math.round((rate * testCases) / 100);
}

// eslint-disable-next-line complexity -- one check per field of an entry, each with its own message
function readEntry(file: string, line: number, value: unknown, mtime: Date): Entry {
  const fields = new FieldReader(file, line);
  const record = fields.object(value, 'a leaderboard entry');
  const dirname = fields.string(record, 'dirname');
  const model = fields.string(record, 'model');
  const testCases = fields.optionalCount(record, 'test_cases');
  if (testCases === null || testCases === 0)
    throw fields.fail(`"test_cases" is ${JSON.stringify(record.test_cases)}, expected a count > 0`);
  const passFirst = passCount(fields, record, 1, testCases);
  if (passFirst === null) throw fields.fail('neither "pass_num_1" nor "pass_rate_1" is given');
  const second = passCount(fields, record, 2, testCases);
  const passLast = second ?? passFirst;
  if (passFirst > passLast || passLast > testCases)
    throw fields.fail(
      `pass counts ${passFirst} (first try) and ${passLast} (last try) of ${testCases} cases are not 0 ≤ first ≤ last ≤ cases`,
    );
  const { provider } = splitModelName(model);
  const extra: Record<string, JsonValue> = {};
  for (const [key, name] of CONFIG_KEYS) {
    const v = record[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') extra[name] = v;
  }
  const date = fields.optionalString(record, 'date');
  const startedAt = startOfDirname(dirname) ?? (date !== null && !Number.isNaN(Date.parse(date)) ? new Date(date) : mtime);
  return {
    line,
    dirname,
    model,
    testCases,
    passFirst,
    passLast,
    tries: second === null ? 1 : 2,
    totalCost: fields.optionalNumber(record, 'total_cost'),
    promptTokens: fields.optionalCount(record, 'prompt_tokens'),
    completionTokens: fields.optionalCount(record, 'completion_tokens'),
    startedAt,
    config: {
      llm: { model, ...(provider === null ? {} : { provider }) },
      editFormat: fields.string(record, 'edit_format'),
      agent: 'aider',
      ...extra,
    },
    raw: record,
  };
}

async function readEntries(file: string): Promise<Entry[]> {
  const { LineCounter, parseDocument, isSeq } = await import('yaml');
  const text = await fs.promises.readFile(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new ImportInputError(file, lineCounter.linePos(error.pos[0]).line, `not valid YAML (${error.message.split('\n')[0]})`);
  }
  if (!isSeq(doc.contents)) throw new ImportInputError(file, null, 'not a YAML list of leaderboard entries');
  const mtime = (await fs.promises.stat(file)).mtime;
  const entries = doc.contents.items.map((item) => {
    const offset = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
    return readEntry(file, lineCounter.linePos(offset).line, (item as { toJSON(): unknown }).toJSON(), mtime);
  });
  const seen = new Map<string, number>();
  for (const entry of entries) {
    const before = seen.get(entry.dirname);
    if (before !== undefined) throw new ImportInputError(file, entry.line, `dirname ${entry.dirname} again (first at line ${before})`);
    seen.set(entry.dirname, entry.line);
  }
  return entries;
}

export const aiderLeaderboardImporter: Importer = {
  format: 'aider-leaderboard',
  takes:
    "a leaderboard YAML file such as aider's polyglot_leaderboard.yml (a list of entries with dirname, model, edit_format, test_cases, pass_num_1/2, total_cost …)",

  async detect(inputPath) {
    if (!/\.ya?ml$/i.test(inputPath)) return false;
    const stat = await fs.promises.stat(inputPath).catch(() => null);
    if (!stat?.isFile()) return false;
    const head = await readHead(inputPath, 8192);
    return /^\s*-?\s*dirname:/m.test(head) && /^\s*test_cases:/m.test(head);
  },

  async *runs(file, options) {
    const entries = await readEntries(file); // checked whole before the first run is written
    const sha256 = await sha256File(file);
    for (const [index, entry] of entries.entries()) {
      yield entryRun(file, sha256, entry, options);
      options.onProgress?.(index + 1, entries.length);
    }
  },
};

async function readHead(file: string, bytes: number): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * One entry as a run. The entry only has counts, so its issues are synthesized: `test_cases`
 * issues, the first `pass_num_1` passed at the first try, the next `pass_num_2 − pass_num_1` at the
 * second, the rest failed every try. Their ids carry the entry's hash, so no other run shares
 * them and they are never paired; each is labelled `synthesized`.
 */
function entryRun(file: string, sha256: string, entry: Entry, options: ImportOptions): ImportedRun {
  const identity = sha256Text(JSON.stringify(entry.raw));
  return {
    identity,
    label: `${file} entry ${entry.dirname} (line ${entry.line})`,
    source: { file: path.resolve(file), sha256, entry: entry.dirname, line: entry.line, synthesizedIssues: true },
    config: entry.config,
    startedAt: entry.startedAt,
    async *events(): AsyncGenerator<ImportedEvent> {
      const at = entry.startedAt;
      for (let n = 1; n <= entry.testCases; n += 1) {
        const issueId = `synth-${identity.slice(0, 12)}-${n}`;
        yield {
          ts: at,
          type: 'IssueStarted',
          data: { issueId, title: "synthesized from the entry's pass counts", labels: ['synthesized'] },
        };
        const passedAt = n <= entry.passFirst ? 1 : n <= entry.passLast ? 2 : null;
        const tries = passedAt ?? entry.tries;
        for (let t = 1; t <= tries; t += 1) {
          const agentId = `${issueId}.try${t}`;
          const success = t === passedAt;
          yield { ts: at, type: 'AgentStarted', data: { agentId, agentType: 'coder', issueId, attempt: t } };
          yield {
            ts: at,
            type: 'AgentFinished',
            data: { agentId, agentType: 'coder', issueId, success, durationMs: null, error: success ? null : 'the unit tests failed' },
          };
        }
        yield { ts: at, type: 'IssueFinished', data: issueFinished(issueId, passedAt === null ? 'failed' : 'completed', null) };
      }
      yield { ts: at, type: 'TokensUsed', data: entryCost(entry, options) };
      yield { ts: at, type: 'RunFinished', data: { status: 'completed', durationMs: null, reason: null } };
    },
  };
}

/** The entry's tokens and cost as one run-level record; a total_cost of 0 (or none) is unknown, not free. */
function entryCost(entry: Entry, options: ImportOptions): ReturnType<typeof tokenRecord> {
  const { provider, model } = splitModelName(entry.model);
  const tokens =
    entry.promptTokens === null && entry.completionTokens === null ? null : (entry.promptTokens ?? 0) + (entry.completionTokens ?? 0);
  const reported = reportedCost(entry.totalCost, tokens);
  if (tokens === null && reported === null) return unknownCostRecord(model, provider, null);
  if (tokens === null) return { ...unknownCostRecord(model, provider, null), reportedCostUsd: reported! };
  return tokenRecord(
    options.prices,
    {
      model,
      provider,
      inputTokens: entry.promptTokens ?? 0,
      outputTokens: entry.completionTokens ?? 0,
      reportedCostUsd: reported,
      issueId: null,
      agentId: null,
    },
    entry.startedAt,
  );
}
