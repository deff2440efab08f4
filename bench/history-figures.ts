import fs from 'node:fs';
import path from 'node:path';
import { bareParseLeg } from './bare-parse.js';
import { assertSameTotals, duckDbCompareLeg, runledgerCompareLeg } from './compare-legs.js';
import { openDuckDb, type ModelTotals } from './duckdb-compare.js';
import { buildFigure, type Figure, type FigureSpec } from './build-figure.js';
import { generateHistory, type GeneratedHistory } from './generate-history.js';
import type { HistorySpec } from './history-runs.js';
import { interleave, type Comparison } from './interleave.js';
import type { CollectorLegResult, LegResult } from './leg.js';
import type { BenchPlan } from './options.js';
import { scrapeComparison, scrapeSpec } from './metrics-legs.js';
import { fullReplayLeg, incrementalReplayLeg, replayInChild, tablesRewriteLeg } from './replay-legs.js';
import { median } from './stats.js';

/** A generated history as results.json records it, with its first replay (no derived files yet, in a child process). */
export interface HistoryInfo {
  readonly runs: number;
  readonly events: number;
  readonly journalBytes: number;
  readonly averageLineBytes: number;
  readonly generationSeconds: number;
  readonly firstReplay: { readonly seconds: number; readonly eventsPerSecond: number; readonly peakRssMB: number };
  /** The tables and analyzer inputs rewritten with nothing to replay (median of the rounds): the floor of an incremental replay. */
  readonly tablesRewrite?: { readonly bytes: number; readonly ms: number; readonly rounds: readonly number[] };
}

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

const millions = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const runsText = (n: number): string => n.toLocaleString('en-US');

/**
 * Bytes a history takes with its derived files: journal lines of about 400 B, and as much again in
 * the v2 JSON layout's reports and replay's state (measured: 10M events took 3.7 GB of journals and about
 * 5 GB of derived files), plus a margin.
 */
export function bytesNeededFor(spec: HistorySpec): number {
  return spec.events * 1100 + spec.runs * 64 * 1024;
}

async function generate(logsDir: string, spec: HistorySpec): Promise<{ history: GeneratedHistory; first: LegResult }> {
  log(`generating ${runsText(spec.runs)} runs, ~${millions(spec.events)} events ...`);
  const history = await generateHistory(logsDir, spec);
  log(
    `  ${history.events.toLocaleString('en-US')} events, ${(history.journalBytes / 2 ** 20).toFixed(0)} MiB in ${history.seconds.toFixed(1)} s; first replay ...`,
  );
  const first = await replayInChild(logsDir, false);
  if (first.lines !== history.events) throw new Error(`the first replay read ${first.lines} events of ${history.events}`);
  log(`  first replay ${(first.ms / 1000).toFixed(1)} s, peak RSS ${(first.peakRssBytes! / 2 ** 20).toFixed(0)} MB`);
  return { history, first };
}

function infoOf(history: GeneratedHistory, first: LegResult): HistoryInfo {
  return {
    runs: history.runs,
    events: history.events,
    journalBytes: history.journalBytes,
    averageLineBytes: history.journalBytes / history.events,
    generationSeconds: history.seconds,
    firstReplay: { seconds: first.ms / 1000, eventsPerSecond: (first.lines / first.ms) * 1000, peakRssMB: first.peakRssBytes! / 2 ** 20 },
  };
}

/**
 * The figures on generated histories: full replay against bare readline + JSON.parse, compare
 * against DuckDB, incremental replay against full replay, and replay memory at two sizes.
 */
// eslint-disable-next-line max-lines-per-function -- the history legs in the order the README table lists them; each leg is a few lines
export async function measureHistoryFigures(
  plan: BenchPlan,
  dir: string,
): Promise<{ figures: Figure[]; histories: Record<string, HistoryInfo> }> {
  const rounds = plan.historyRounds;
  const logsDir = path.join(dir, 'history', 'logs');
  const small = await generate(logsDir, plan.history);
  const lineBytes = small.history.journalBytes / small.history.events;
  const size = `${runsText(small.history.runs)} runs, ${millions(plan.history.events)} events`;

  const replaySpec: FigureSpec = {
    name: `full replay with hash verification (${size})`,
    baselineName: 'bare readline + JSON.parse of the same journals',
    unit: 'events/s',
    target: { of: 'ratio', comparison: '>=', threshold: 0.5 },
    note: 'replay --full in-process: hash, chain and schema of every line, projections, derived files written where they changed',
  };
  const replayComparison = (): Comparison[] => [
    { name: replaySpec.name, baseline: () => bareParseLeg(logsDir), collector: () => fullReplayLeg(logsDir, lineBytes) },
  ];
  await interleave(1, replayComparison(), () => log('replay warm-up done'));
  const replayLegs = await interleave(rounds, replayComparison(), (round) => log(`replay round ${round}/${rounds} done`));

  const duckdb = await openDuckDb(logsDir);
  const compareSpecs: FigureSpec[] = [
    {
      name: `compare --by llm.model (${runsText(small.history.runs)} runs) vs DuckDB`,
      baselineName: `DuckDB ${duckdb.threads} threads: the same group-by over the raw journals (read_ndjson)`,
      unit: 'ms',
      target: { of: 'ratio', comparison: '<', threshold: 1 },
      note: 'in-process and warm, both: loadAnalysisRuns (incremental replay, nothing new) + compareConfigurations (2000 resamples) vs one SQL query on an open DuckDB; per-model runs, issues, successes and cost checked equal',
    },
    {
      name: `compare --by llm.model (${runsText(small.history.runs)} runs), absolute`,
      baselineName: `DuckDB ${duckdb.threads} threads: the same group-by over the raw journals (read_ndjson)`,
      unit: 'ms',
      target: { of: 'value', comparison: '<', threshold: 1000 },
    },
  ];
  let compareLegs;
  try {
    const checked = (ours: ModelTotals[] | null, theirs: ModelTotals[] | null): void => {
      if (ours && theirs) assertSameTotals(ours, theirs);
    };
    let lastOurs: ModelTotals[] | null = null;
    let lastTheirs: ModelTotals[] | null = null;
    const compareComparison = (): Comparison[] => [
      {
        name: compareSpecs[0]!.name,
        baseline: async () => {
          const leg = await duckDbCompareLeg(duckdb, lineBytes);
          checked(lastOurs, (lastTheirs = leg.totals));
          return leg;
        },
        collector: async () => {
          const leg = await runledgerCompareLeg(logsDir, lineBytes);
          checked((lastOurs = leg.totals), lastTheirs);
          return leg;
        },
      },
    ];
    await interleave(1, compareComparison(), () => log('compare warm-up done'));
    compareLegs = (await interleave(rounds, compareComparison(), (round) => log(`compare round ${round}/${rounds} done`))).get(
      compareSpecs[0]!.name,
    )!;
  } finally {
    duckdb.close();
  }

  const scrape = scrapeSpec(runsText(small.history.runs));
  const scraping = await scrapeComparison(logsDir, scrape.name, lineBytes, log);
  let scrapeLegs;
  try {
    await interleave(1, [scraping.comparison], () => log('scrape warm-up done'));
    scrapeLegs = (await interleave(rounds, [scraping.comparison], (round) => log(`scrape round ${round}/${rounds} done`))).get(
      scrape.name,
    )!;
  } finally {
    await scraping.close();
  }

  const appendEvents = Math.round(small.history.events * plan.appendFraction);
  const incrementalSpec: FigureSpec = {
    name: `incremental replay after appending ${plan.appendFraction * 100}% more events (${runsText(appendEvents)})`,
    baselineName: 'full replay (replay --full) of the same history',
    unit: 'ms',
    target: { of: 'ratio', comparison: '<', threshold: 0.02 },
    note: 'half the new events in resumed crashed runs (their journals grow), half in new runs; the appending is untimed; the history grows by that much each round',
  };
  let appendRound = 0;
  const incrementalComparison = (): Comparison[] => [
    {
      name: incrementalSpec.name,
      baseline: () => fullReplayLeg(logsDir, lineBytes),
      collector: () => incrementalReplayLeg(logsDir, plan.history, appendEvents, appendRound++, lineBytes),
    },
  ];
  const incrementalLegs = await interleave(rounds, incrementalComparison(), (round) => log(`incremental round ${round}/${rounds} done`));
  const newRunsSpec: FigureSpec = {
    ...incrementalSpec,
    name: `incremental replay after appending ${plan.appendFraction * 100}% more events in new runs only (${runsText(appendEvents)})`,
    note: 'the new events in new runs, started after every run in the folder (a working day of new runs: the tables change at their ends); the appending is untimed',
  };
  let newRunsRound = 0;
  const newRunsComparison = (): Comparison[] => [
    {
      name: newRunsSpec.name,
      baseline: () => fullReplayLeg(logsDir, lineBytes),
      collector: () => incrementalReplayLeg(logsDir, plan.history, appendEvents, newRunsRound++, lineBytes, { resumeCrashed: false }),
    },
  ];
  const newRunsLegs = await interleave(rounds, newRunsComparison(), (round) => log(`new-runs incremental round ${round}/${rounds} done`));
  const rewrites: Array<{ ms: number; bytes: number }> = [];
  for (let round = 0; round < rounds; round += 1) rewrites.push(await tablesRewriteLeg(logsDir));
  const tablesRewrite = { bytes: rewrites.at(-1)!.bytes, ms: median(rewrites.map((r) => r.ms)), rounds: rewrites.map((r) => r.ms) };
  log(`tables rewrite alone: ${(tablesRewrite.bytes / 2 ** 20).toFixed(0)} MiB in ${tablesRewrite.ms.toFixed(0)} ms (median)`);
  fs.rmSync(path.dirname(logsDir), { recursive: true, force: true });

  const bigLogsDir = path.join(dir, 'big-history', 'logs');
  const big = await generate(bigLogsDir, plan.bigHistory);
  fs.rmSync(path.dirname(bigLogsDir), { recursive: true, force: true });

  const memoryName = (spec: HistorySpec): string => `${runsText(spec.runs)} runs, ${millions(spec.events)} events`;
  const memoryLegs = {
    baseline: [small.first],
    collector: [{ ...big.first, lineBytes: big.history.journalBytes / big.history.events }] as CollectorLegResult[],
  };
  const memorySpecs: FigureSpec[] = [
    {
      name: `replay peak RSS (${memoryName(plan.bigHistory)})`,
      baselineName: `replay peak RSS (${memoryName(plan.history)})`,
      unit: 'MB',
      target: { of: 'value', comparison: '<', threshold: 250 },
      note: 'first replay (no derived files yet) in a child process; VmHWM of /proc/self/status',
    },
    {
      name: `replay peak RSS growth, ${millions(plan.history.events)} -> ${millions(plan.bigHistory.events)} events`,
      baselineName: `replay peak RSS (${memoryName(plan.history)})`,
      unit: 'MB',
      target: { of: 'ratio', comparison: '<', threshold: 1.2 },
    },
  ];

  return {
    figures: [
      buildFigure(replaySpec, replayLegs.get(replaySpec.name)!, lineBytes),
      buildFigure(incrementalSpec, incrementalLegs.get(incrementalSpec.name)!, lineBytes),
      buildFigure(newRunsSpec, newRunsLegs.get(newRunsSpec.name)!, lineBytes),
      ...compareSpecs.map((spec) => buildFigure(spec, compareLegs, lineBytes)),
      buildFigure(scrape, scrapeLegs, lineBytes),
      ...memorySpecs.map((spec) => buildFigure(spec, memoryLegs, lineBytes)),
    ],
    histories: { history: { ...infoOf(small.history, small.first), tablesRewrite }, bigHistory: infoOf(big.history, big.first) },
  };
}
