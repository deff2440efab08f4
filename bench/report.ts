import fs from 'node:fs';
import type { Figure, Target } from './build-figure.js';
import type { HistoryInfo } from './history-figures.js';
import { formatLiveFigures, type LiveFigures } from './live-figures.js';
import type { MachineInfo } from './machine-info.js';
import type { BenchPlan } from './options.js';

export interface BenchResults {
  readonly mode: BenchPlan['mode'];
  readonly rounds: number;
  readonly legMs: number;
  readonly concurrentWriters: number;
  readonly historyRounds: number;
  /** Absent in results written before the start-up figures. */
  readonly startupRounds?: number;
  readonly durationSeconds: number;
  readonly allPass: boolean;
  readonly figures: readonly Figure[];
  readonly histories: Readonly<Record<string, HistoryInfo>>;
  /** The live workload per history size; absent in results written before it. */
  readonly live?: readonly LiveFigures[];
  readonly machine: MachineInfo;
}

const number = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ratioText = (r: number): string => (r >= 0.1 ? r.toFixed(2) : r.toPrecision(2));
const targetText = (t: Target): string => `${t.of} ${t.comparison} ${t.threshold}`;

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatResults(results: BenchResults): string {
  const m = results.machine;
  const rows = [
    ['figure', 'collector', 'baseline', 'ratio', 'target', 'result'],
    ...results.figures.map((f) => [
      f.name,
      `${number(f.value)} ${f.unit}`,
      `${number(f.baseline.value)} ${f.unit}`,
      ratioText(f.ratio),
      targetText(f.target),
      f.pass ? 'PASS' : 'FAIL',
    ]),
  ];
  const baselines = results.figures.map(
    (f) =>
      `  ${f.name}: ${f.baseline.name}${f.lineBytes.baseline > 0 ? `; lines ${f.lineBytes.baseline.toFixed(0)} B (collector side ${f.lineBytes.collectorMedian.toFixed(1)} B)` : ''}${f.note ? `\n    ${f.note}` : ''}`,
  );
  const histories = Object.entries(results.histories).map(
    ([name, h]) =>
      `  ${name}: ${h.runs.toLocaleString('en-US')} runs, ${h.events.toLocaleString('en-US')} events, ${(h.journalBytes / 2 ** 20).toFixed(0)} MiB (${h.averageLineBytes.toFixed(0)} B a line), generated in ${h.generationSeconds.toFixed(1)} s; first replay ${h.firstReplay.seconds.toFixed(1)} s (${Math.round(h.firstReplay.eventsPerSecond).toLocaleString('en-US')} events/s), peak RSS ${h.firstReplay.peakRssMB.toFixed(0)} MB${h.tablesRewrite ? `; tables and analyzer inputs (${(h.tablesRewrite.bytes / 2 ** 20).toFixed(0)} MiB) rewritten alone in ${h.tablesRewrite.ms.toFixed(0)} ms` : ''}`,
  );
  return [
    `runledger bench (${results.mode}): ${results.startupRounds === undefined ? '' : `${results.startupRounds} interleaved rounds (start-up), `}${results.rounds} interleaved rounds of ${results.legMs} ms legs (journal), ${results.historyRounds} rounds (histories), medians, ${results.durationSeconds.toFixed(1)} s`,
    `${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.nodeVersion}, ${m.platform} ${m.kernel}`,
    `disk: ${m.benchDir} on ${m.fileSystem.type} (${m.fileSystem.device} mounted at ${m.fileSystem.mountPoint})`,
    '',
    table(rows),
    '',
    'baselines:',
    ...baselines,
    '',
    'histories (each generated, measured and deleted):',
    ...histories,
    '',
    ...(results.live && results.live.length > 0
      ? [
          'live workload (CPU and bytes per finished issue; wall-clock p99 moves with the load of the machine):',
          formatLiveFigures(results.live),
          '',
        ]
      : []),
    results.allPass ? 'all targets met' : 'some targets missed',
  ].join('\n');
}

export function writeResults(file: string, results: BenchResults): void {
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

const mdNumber = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const mdTarget = (t: Target): string =>
  `${t.of === 'ratio' ? 'ratio' : 'value'} ${{ '>=': '≥', '<=': '≤', '<': '<' }[t.comparison]} ${t.threshold}`;

/** The figures as the README's Markdown table: value, baseline, ratio (and its range over the rounds), target, met or not. */
export function formatResultsMarkdown(results: BenchResults): string {
  const m = results.machine;
  const rows = results.figures.map((f) => {
    const ratios = f.rounds.ratios;
    const range = ratios.length > 1 ? ` (${ratioText(Math.min(...ratios))}–${ratioText(Math.max(...ratios))})` : '';
    return `| ${f.name} | ${mdNumber(f.value)} ${f.unit} | ${f.baseline.name}: ${mdNumber(f.baseline.value)} ${f.unit} | **${ratioText(f.ratio)}**${range} | ${mdTarget(f.target)} ${f.pass ? '✔' : '✘'} |`;
  });
  return [
    `${results.mode === 'full' ? 'Full' : 'Quick'} run of ${m.date.slice(0, 10)}: ${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${m.nodeVersion}, ${m.fileSystem.type}; ${results.startupRounds === undefined ? `${results.rounds} interleaved rounds` : `${results.startupRounds} interleaved rounds for the start-up figures, ${results.rounds}`} for the journal figures, ${results.historyRounds} for the histories; medians; ${Math.round(results.durationSeconds)} s in all.`,
    '',
    '| figure | runledger | baseline | ratio (range over rounds) | target |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
