import { describe, expect, it } from 'vitest';
import { TABLE_FILES } from '../projections/tables/tables.js';
import { ASSEMBLED_FILES } from '../replay/assembled-files.js';
import type { AssemblyRecord, TailRun } from '../replay/assembly-record.js';
import type { RunIndexEntry } from '../replay/run-index-entry.js';
import { planTail } from '../replay/tail-plan.js';

const run = (runId: string, startedAt: string, size = 10): TailRun => ({
  runId,
  startedAt,
  bytes: Object.fromEntries(ASSEMBLED_FILES.map((file) => [file, size])),
  rows: Object.fromEntries(TABLE_FILES.map((file) => [file, 1])),
});

const entry = (runId: string, startedAt: string | null, size = 10, extra: Partial<RunIndexEntry> = {}): RunIndexEntry => ({
  runId,
  startedAt,
  lastEventAt: startedAt,
  checkpoint: { offset: 0, seq: 0, hash: '', lastLineStart: 0 },
  journalBytes: 0,
  journalMtimeMs: 0,
  unfinished: false,
  writerAlive: false,
  lockStaleMs: 10_000,
  tornTail: null,
  refused: null,
  empty: false,
  tableRows: Object.fromEntries(TABLE_FILES.map((file) => [file, 1])),
  tableBytes: Object.fromEntries(ASSEMBLED_FILES.map((file) => [file, size])),
  ...extra,
});

const record = (tail: TailRun[], tailIsAll: boolean, totalRuns = tail.length): AssemblyRecord => ({
  assembly: 'a',
  generation: 'g',
  pendingBytes: 0,
  files: Object.fromEntries(ASSEMBLED_FILES.map((file) => [file, { size: 0, ino: 0, mtimeMs: 0 }])),
  rows: Object.fromEntries(TABLE_FILES.map((file) => [file, totalRuns])),
  tail,
  tailIsAll,
});

const B = run('b', '2026-01-02');
const C = run('c', '2026-01-03');
const D = run('d', '2026-01-04');

describe('planTail: where an in-place rewrite of the assembled files starts', () => {
  it('a run changed at the end rewrites from it alone; the runs before it stay', () => {
    const plan = planTail(record([B, C, D], false, 100), new Map([['d', entry('d', '2026-01-04', 25)]]))!;
    expect(plan.oldSuffix.map((r) => r.runId)).toEqual(['d']);
    expect(plan.newSuffix).toEqual([
      { run: expect.objectContaining({ runId: 'd', bytes: expect.objectContaining({ 'runs.csv': 25 }) }), changed: true },
    ]);
    expect(plan.tail.map((r) => r.runId)).toEqual(['b', 'c', 'd']);
    expect(plan.rows['runs.csv']).toBe(100);
  });

  it('a new run that sorts between two runs of the tail rewrites from its place, copying the runs after it', () => {
    const plan = planTail(record([B, C, D], false, 100), new Map([['n', entry('n', '2026-01-03T12:00:00Z')]]))!;
    expect(plan.oldSuffix.map((r) => r.runId)).toEqual(['d']);
    expect(plan.newSuffix.map(({ run, changed }) => [run.runId, changed])).toEqual([
      ['n', true],
      ['d', false],
    ]);
    expect(plan.rows['runs.csv']).toBe(101);
  });

  it('a run that sorts before the tail (a late or resumed old run) cannot be placed: null, a whole assembly', () => {
    expect(planTail(record([B, C, D], false), new Map([['a', entry('a', '2026-01-01')]]))).toBeNull();
    // The same run when the tail holds every run in the files: it goes first.
    const plan = planTail(record([B, C, D], true), new Map([['a', entry('a', '2026-01-01')]]))!;
    expect(plan.newSuffix.map(({ run }) => run.runId)).toEqual(['a', 'b', 'c', 'd']);
    expect(plan.oldSuffix.map((r) => r.runId)).toEqual(['b', 'c', 'd']);
  });

  it('a run refused since (corrupt) leaves the files from its place; one not in the tail cannot be found', () => {
    const refused = { line: 3, offset: 100, problem: 'hash' };
    const plan = planTail(record([B, C, D], false, 100), new Map([['c', entry('c', '2026-01-03', 10, { refused })]]))!;
    expect(plan.oldSuffix.map((r) => r.runId)).toEqual(['c', 'd']);
    expect(plan.newSuffix.map(({ run }) => run.runId)).toEqual(['d']);
    expect(plan.rows['runs.csv']).toBe(99);
    expect(planTail(record([B, C, D], false), new Map([['z', entry('z', '2026-01-09', 10, { refused })]]))).toBeNull();
    // A run gone (null) from the tail leaves it too.
    expect(planTail(record([B, C, D], false, 3), new Map([['b', null]]))!.newSuffix.map(({ run }) => run.runId)).toEqual(['c', 'd']);
  });

  it('with the entries the files were made from, a run whose rows the files hold before the tail is refused, and a new one placed', () => {
    const assembled = new Map([
      ['x', entry('x', '2025-12-01')],
      ['b', entry('b', '2026-01-02')],
    ]);
    expect(planTail(record([B, C, D], false), new Map([['x', entry('x', '2025-12-01', 30)]]), assembled)).toBeNull();
    const plan = planTail(record([B, C, D], false), new Map([['e', entry('e', '2026-01-05')]]), assembled)!;
    expect(plan.newSuffix.map(({ run }) => run.runId)).toEqual(['e']);
    // A run whose start time changed (its journal replaced) is not moved in place.
    expect(planTail(record([B, C, D], false), new Map([['c', entry('c', '2026-01-05')]]))).toBeNull();
  });

  it('nothing in the tables changed: an empty rewrite at the end', () => {
    const refused = { line: 1, offset: 0, problem: 'hash' };
    const plan = planTail(record([B, C, D], true), new Map([['q', entry('q', null, 0, { refused })]]))!;
    expect(plan.oldSuffix).toEqual([]);
    expect(plan.newSuffix).toEqual([]);
  });
});
