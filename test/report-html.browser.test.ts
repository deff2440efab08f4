/* eslint-disable complexity -- expectedValue has one branch per kind of figure on the page, and the case
   that compares them checks each kind's way of showing a number. */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core. The page is
 * loaded from a file:// URL with every request and console message recorded, then checked against
 * the JSON analysis of the same runs (same seed), and a full-page screenshot is saved.
 */
import { strongestEffect } from '../src/analysis/render/sections.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisRun } from '../projections/analysis-input.js';
import { loadAnalysisRuns } from '../replay/load-analysis-runs.js';
import { analysisReport, type AnalysisReport } from '../src/analysis/index.js';
import { pctInterval, ppInterval, usdInterval } from '../src/analysis/render/format.js';
import type { Estimate } from '../src/analysis/stats/bootstrap.js';
import { writeHtmlReport } from '../src/report-html/index.js';
import { signedUsdInterval } from '../src/report-html/section-trends.js';
import { HOSTILE, recordReportHistory, type RecordedHistory } from './helpers/report-history.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT_COPY = '/tmp/runledger-report-screenshot.png';
const SEED = 11;
const RESAMPLES = 1000;

let dir: string;
let out: string;
let history: RecordedHistory;
let expected: AnalysisReport;
let analysisRuns: AnalysisRun[];
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the HTML report is tested in Debian's Chromium. Run \`bash scripts/ensure-binaries.sh\` (as root) to install it.`,
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runledger-html-browser-'));
  const logs = path.join(dir, 'logs');
  history = await recordReportHistory(logs);
  out = await writeHtmlReport({ dir: logs, out: path.join(dir, 'report.html'), seed: SEED, resamples: RESAMPLES });
  analysisRuns = (await loadAnalysisRuns({ dir: logs })).runs;
  // What `runledger report --format json` would print for the same runs and seed.
  expected = JSON.parse(JSON.stringify(analysisReport(analysisRuns, { seed: SEED, resamples: RESAMPLES }))) as AnalysisReport;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** One number on the page: where it says it comes from, its exact value and its text. */
interface PageFigure {
  readonly source: string;
  readonly group: string | null;
  readonly metric: string;
  readonly value: string;
  readonly low: string | null;
  readonly high: string | null;
  readonly text: string;
  readonly isInterval: boolean;
}

type Expected = number | null | Estimate | undefined;

/** The JSON analysis' value for a figure on the page; undefined when the page names something the analysis has not. */
function expectedValue(f: PageFigure): Expected {
  const byLabel = <T extends { label: string }>(list: readonly T[]): T | undefined => list.find((g) => g.label === f.group);
  if (f.source === 'summary')
    return f.metric === 'runs-analysed' ? expected.runs.analysed : f.metric === 'runs-running' ? expected.runs.running : undefined;
  if (f.source === 'best') {
    const g = byLabel(expected.best.ranking);
    if (!g) return undefined;
    const map: Record<string, Expected> = {
      score: g.score,
      'score-success': g.parts.success,
      'score-cost': g.parts.cost,
      'score-speed': g.parts.speed,
      runs: g.group.runs,
      issues: g.group.issues,
      'issue-success': g.group.issueSuccessRate,
      'first-time-right': g.group.firstTimeRightRate,
      'cost-per-success': g.group.costPerSuccessfulIssue,
      'cost-per-run': g.group.costPerRun,
      'median-issue-duration': g.group.medianIssueDurationMs,
      'design-effect': g.group.issueSuccessRate?.designEffect ?? null,
      'probability-best': g.probabilityBest,
    };
    return map[f.metric];
  }
  if (f.source.startsWith('compare:')) {
    const comparison = expected.comparisons.find((c) => `compare:${c.by.join('+')}` === f.source);
    const g = comparison ? byLabel(comparison.groups) : undefined;
    if (!g) return undefined;
    const map: Record<string, Expected> = {
      runs: g.runs,
      issues: g.issues,
      'issue-success': g.issueSuccessRate,
      'vs-baseline': g.versusBaseline?.difference ?? null,
      'holm-p': g.versusBaseline?.holmP ?? null,
      'run-success': g.runSuccessRate,
      'first-time-right': g.firstTimeRightRate,
      'cost-per-success': g.costPerSuccessfulIssue,
      'cost-per-run': g.costPerRun,
      'median-issue-duration': g.medianIssueDurationMs,
      'design-effect': g.issueSuccessRate?.designEffect ?? null,
      complexity: g.meanComplexity,
    };
    return map[f.metric];
  }
  if (f.source === 'cost') {
    const g = byLabel(expected.costEfficiency.groups);
    if (!g) return undefined;
    return (
      { 'cost-per-success': g.costPerSuccessfulIssue, 'successful-issues': g.successfulIssues, 'priced-runs': g.pricedRuns } as Record<
        string,
        Expected
      >
    )[f.metric];
  }
  if (f.source.startsWith('influence:')) {
    const k = expected.influence.keys.find((key) => `influence:${key.keys.join('+')}` === f.source);
    if (!k) return undefined;
    const strongest = strongestEffect(k);
    return (
      { 'success-effect': strongest, 'holm-p': k.test?.holmP ?? null, 'cost-effect': k.costEffect?.difference ?? null } as Record<
        string,
        Expected
      >
    )[f.metric];
  }
  if (f.source === 'trend:success' || f.source === 'trend:cost') {
    const line = f.source === 'trend:success' ? expected.trends.successRate : expected.trends.costPerRun;
    if (f.metric === 'run-value') {
      const run = analysisRuns.find((r) => r.runId === f.group);
      if (!run) return undefined;
      return f.source === 'trend:success' ? run.completedIssues / run.issues : run.costUsd;
    }
    return (
      {
        runs: line.runs,
        'first-third-mean': line.firstThirdMean,
        'last-third-mean': line.lastThirdMean,
        slope: line.slopePerRun,
        p: line.test?.p ?? null,
      } as Record<string, Expected>
    )[f.metric];
  }
  if (f.source === 'run') {
    const run = analysisRuns.find((r) => r.runId === f.group);
    if (!run) return undefined;
    const map: Record<string, Expected> = {
      issues: run.issues,
      'completed-issues': run.completedIssues,
      'success-rate': run.issues === 0 ? null : run.completedIssues / run.issues,
      cost: run.unpricedRecords > 0 ? undefined : run.costUsd,
      duration: run.durationMs,
      'active-duration': run.activeDurationMs,
      'recorded-cost': run.repriced?.recorded.costUsd,
    };
    return map[f.metric];
  }
  return undefined;
}

/** How the page writes an interval of this figure, with the analysis' own formatting helpers. */
function intervalText(f: PageFigure, interval: Estimate | null): string | null {
  if (['issue-success', 'run-success', 'first-time-right'].includes(f.metric)) return pctInterval(interval);
  if (['cost-per-success', 'cost-per-run', 'cost-effect'].includes(f.metric)) return usdInterval(interval);
  if (['vs-baseline', 'success-effect'].includes(f.metric)) return ppInterval(interval);
  if (f.metric === 'first-third-mean' || f.metric === 'last-third-mean')
    return f.source === 'trend:success' ? pctInterval(interval) : usdInterval(interval);
  if (f.metric === 'slope') return f.source === 'trend:success' ? ppInterval(interval) : signedUsdInterval(interval);
  return null;
}

const exact = (x: number | null | undefined): string => (x === null || x === undefined ? '' : String(x));

async function pageFigures(): Promise<PageFigure[]> {
  return page.$$eval('[data-metric]', (elements) =>
    elements.map((e) => ({
      source: e.getAttribute('data-source') ?? '',
      group: e.getAttribute('data-group'),
      metric: e.getAttribute('data-metric') ?? '',
      value: e.getAttribute('data-value') ?? '(missing)',
      low: e.getAttribute('data-low'),
      high: e.getAttribute('data-high'),
      text: e.textContent ?? '',
      isInterval: e.hasAttribute('data-low'),
    })),
  );
}

describe('the HTML report in Chromium', () => {
  it('loads with no console error and no request but for the file itself', () => {
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(out).href]);
  });

  it('draws every chart, each with marks of a real size', async () => {
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => ({
        name: svg.getAttribute('data-chart'),
        width: svg.getBoundingClientRect().width,
        drawn: [...svg.querySelectorAll<SVGGraphicsElement>('.mark')].filter((m) => {
          const box = m.getBBox();
          return box.width > 0 || box.height > 0;
        }).length,
        points: svg.querySelectorAll('.mark.point').length,
      })),
    );
    const byName = new Map(charts.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'cost-vs-success',
        'success-by-configuration',
        ...expected.comparisons.map((c) => `success-by-${c.by.join('-')}`),
        'trend-cost',
        'trend-success',
      ].sort(),
    );
    for (const chart of charts) {
      expect(chart.drawn, `${chart.name} has drawn marks`).toBeGreaterThan(0);
      expect(chart.width, `${chart.name} has a width on screen`).toBeGreaterThan(300);
    }
    // One dot per group with a rate; one per plotted configuration; one per run in the trends.
    expect(byName.get('success-by-configuration')!.points).toBe(
      expected.best.ranking.filter((g) => g.group.issueSuccessRate !== null).length,
    );
    for (const c of expected.comparisons)
      expect(byName.get(`success-by-${c.by.join('-')}`)!.points).toBe(c.groups.filter((g) => g.issueSuccessRate !== null).length);
    expect(byName.get('cost-vs-success')!.points).toBe(expected.best.ranking.filter((g) => g.group.costPerSuccessfulIssue !== null).length);
    expect(byName.get('trend-success')!.points).toBe(expected.trends.successRate.runs);
    expect(byName.get('trend-cost')!.points).toBe(expected.trends.costPerRun.runs);
  });

  it('shows every number exactly as the JSON analysis of the same runs and seed has it', async () => {
    const figures = await pageFigures();
    const mismatches: string[] = [];
    for (const f of figures) {
      const want = expectedValue(f);
      const where = `${f.source} / ${f.group ?? '-'} / ${f.metric}`;
      if (want === undefined) {
        mismatches.push(`${where}: the analysis has no such figure`);
        continue;
      }
      const estimate = want !== null && typeof want === 'object' ? want.estimate : want;
      if (f.value !== exact(estimate)) mismatches.push(`${where}: page ${f.value}, analysis ${exact(estimate)}`);
      if (f.isInterval) {
        const interval = want !== null && typeof want === 'object' ? want : null;
        if (f.low !== exact(interval?.low) || f.high !== exact(interval?.high))
          mismatches.push(`${where}: page [${f.low}, ${f.high}], analysis [${exact(interval?.low)}, ${exact(interval?.high)}]`);
        const text = intervalText(f, interval);
        if (text !== null && f.text !== text) mismatches.push(`${where}: page shows "${f.text}", the analysis formats "${text}"`);
      }
    }
    expect(mismatches).toEqual([]);
    // And the page shows the analysis' main figures at all: each group's success rate with its interval beside it.
    const shown = new Set(figures.filter((f) => f.isInterval).map((f) => `${f.source}|${f.group}|${f.metric}`));
    for (const g of expected.best.ranking) expect(shown.has(`best|${g.label}|issue-success`), g.label).toBe(true);
    for (const c of expected.comparisons) {
      for (const g of c.groups) {
        expect(shown.has(`compare:${c.by.join('+')}|${g.label}|issue-success`), `${c.by.join('+')} ${g.label}`).toBe(true);
        expect(shown.has(`compare:${c.by.join('+')}|${g.label}|cost-per-success`), `${c.by.join('+')} ${g.label}`).toBe(true);
      }
    }
    expect(figures.length).toBeGreaterThan(300);
  });

  it('says there is no clear winner among configurations of 3-4 runs of 5-6 issues, naming the contenders', async () => {
    // The history's configurations differ, but 3 or 4 runs of 5 or 6 issues cannot separate them.
    expect(expected.best.verdict).toBe('no-clear-winner');
    expect(expected.best.best).toBeNull();
    await expect(page.locator('.card.best [data-verdict]').getAttribute('data-verdict')).resolves.toBe('no-clear-winner');
    await expect(page.locator('[data-best]').count()).resolves.toBe(0);
    const card = (await page.locator('.card.best').textContent()) ?? '';
    for (const label of expected.best.contenders) expect(card).toContain(label);
    const rows = await page.$$eval('table[data-table="ranking"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-group')));
    expect(rows).toEqual(expected.best.ranking.map((g) => g.label));
  });

  it('shows the crashed run as crashed, standing out from completed runs', async () => {
    const crashedRow = page.locator(`table[data-table="runs"] tr[data-run-id="${history.crashedRunId}"]`);
    const badge = crashedRow.locator('[data-status]');
    await expect(badge.getAttribute('data-status')).resolves.toBe('crashed');
    await expect(badge.textContent()).resolves.toBe('⚠ crashed');
    expect(await badge.isVisible()).toBe(true);
    const completedId = history.runIds.find((id) => ![history.crashedRunId, history.failedRunId, history.interruptedRunId].includes(id))!;
    const background = (id: string): Promise<string> =>
      page
        .locator(`table[data-table="runs"] tr[data-run-id="${id}"] td`)
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor);
    expect(await background(history.crashedRunId)).not.toBe(await background(completedId));
    const badgeColour = (id: string): Promise<string> =>
      page.locator(`table[data-table="runs"] tr[data-run-id="${id}"] [data-status]`).evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(await badgeColour(history.crashedRunId)).not.toBe(await badgeColour(completedId));
    await expect(page.locator(`tr[data-run-id="${history.failedRunId}"] [data-status]`).textContent()).resolves.toBe('failed');
    await expect(page.locator(`tr[data-run-id="${history.interruptedRunId}"] [data-status]`).textContent()).resolves.toBe('interrupted');
    const statuses = await page.$$eval('table[data-table="runs"] [data-status]', (badges) =>
      badges.map((b) => b.getAttribute('data-status')),
    );
    expect(statuses.filter((s) => s === 'crashed')).toHaveLength(1);
    expect(statuses).toHaveLength(history.runIds.length);
  });

  it('puts a visible warning beside every group with too small a sample, and beside no other', async () => {
    const flagged: Array<{ source: string; label: string; reason: string }> = [
      ...expected.best.ranking
        .filter((g) => g.insufficientSample)
        .map((g) => ({ source: 'best', label: g.label, reason: g.insufficientSample! })),
      ...expected.comparisons.flatMap((c) =>
        c.groups
          .filter((g) => g.insufficientSample)
          .map((g) => ({ source: `compare:${c.by.join('+')}`, label: g.label, reason: g.insufficientSample! })),
      ),
    ];
    expect(flagged.length).toBeGreaterThanOrEqual(2);
    for (const f of flagged) {
      const warnings = page.locator(`[data-warning="insufficient-sample"][data-source="${f.source}"]`).filter({ hasText: f.reason });
      const groups = await warnings.evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
      expect(groups.length, `${f.source} ${f.label}`).toBeGreaterThan(0);
      expect(new Set(groups)).toEqual(new Set([f.label]));
      expect(await warnings.first().isVisible()).toBe(true);
      await expect(warnings.first().textContent()).resolves.toBe(`⚠ insufficient sample: ${f.reason}`);
    }
    const onPage = await page.$$eval('[data-warning="insufficient-sample"]', (els) =>
      els.map((e) => `${e.getAttribute('data-source')}|${e.getAttribute('data-group')}`),
    );
    const allowed = new Set([
      ...flagged.map((f) => `${f.source}|${f.label}`),
      ...expected.costEfficiency.groups.filter((g) => g.insufficientSample).map((g) => `cost|${g.label}`),
    ]);
    for (const w of onPage) expect(allowed.has(w), w).toBe(true);
  });

  it('shows HTML-special characters from the data literally and injects nothing', async () => {
    const state = await page.evaluate(() => ({
      title: document.title,
      injected: document.querySelectorAll('script, img, iframe, object, embed, b, form').length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
      text: document.body.textContent ?? '',
    }));
    expect(state.title).toBe('runledger report');
    expect(state.injected).toBe(0);
    expect(state.handlers).toBe(0);
    for (const raw of Object.values(HOSTILE)) expect(state.text.includes(raw), raw).toBe(true);
    const messages = await page.$$eval('table[data-table="errors"] td.msg', (tds) => tds.map((td) => td.textContent));
    expect(messages).toContain(HOSTILE.message);
    expect(messages).toContain(HOSTILE.script);
  });

  it('prints without clipping: at A4 landscape width no table or chart is wider than the page', async () => {
    const print = await browser.newPage({ viewport: { width: 1030, height: 730 } });
    try {
      await print.goto(pathToFileURL(out).href, { waitUntil: 'load' });
      await print.emulateMedia({ media: 'print' });
      const state = await print.evaluate(() => ({
        pageWidth: document.documentElement.clientWidth,
        wide: [...document.querySelectorAll('table, svg.chart')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
          .map((e) => e.getAttribute('data-table') ?? e.getAttribute('data-chart')),
        nav: getComputedStyle(document.querySelector('nav.toc')!).display,
      }));
      expect(state.wide).toEqual([]);
      expect(state.nav).toBe('none');
      const pdf = await print.pdf({ format: 'A4', landscape: true, printBackground: true });
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await print.close();
    }
  });

  it('saves a full-page screenshot of the laptop-size view', async () => {
    const shot = path.join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    fs.copyFileSync(shot, SCREENSHOT_COPY);
    const png = fs.readFileSync(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBe(1366);
    expect(png.readUInt32BE(20)).toBeGreaterThan(3 * 768);
  });
});
