import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReadModels } from '../projections/run-projection.js';
import { loadAnalysisRuns } from '../replay/load-analysis-runs.js';
import { loadRunReadModels } from '../replay/read-models.js';
import { analysisReport, type AnalysisReport } from '../src/analysis/index.js';
import { renderHtmlReport } from '../src/report-html/index.js';
import { escapeHtml } from '../src/report-html/escape.js';
import { HOSTILE, recordReportHistory } from './helpers/report-history.js';

let dir: string;
let analysis: AnalysisReport;
let runs: RunReadModels[];
let html: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runledger-html-render-'));
  await recordReportHistory(dir);
  analysis = analysisReport((await loadAnalysisRuns({ dir })).runs, { seed: 3, resamples: 500 });
  runs = (await loadRunReadModels({ dir })).runs;
  html = renderHtmlReport({ analysis, runs, generatedFrom: dir });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The first match of `re` in `text`, or null: a failing expectation then shows the match, not the whole page. */
const firstMatch = (text: string, re: RegExp): string | null => text.match(re)?.[0] ?? null;

/** The text of the page's print stylesheet: everything inside `@media print { … }`. */
function printStylesheet(page: string): string {
  const start = page.indexOf('@media print {');
  if (start < 0) return '';
  let depth = 0;
  for (let i = page.indexOf('{', start); i < page.length; i += 1) {
    if (page[i] === '{') depth += 1;
    if (page[i] === '}' && --depth === 0) return page.slice(start, i + 1);
  }
  return '';
}

describe('renderHtmlReport', () => {
  it('gives byte-identical HTML for the same input, also for a deep copy of it', () => {
    const again = renderHtmlReport({ analysis, runs, generatedFrom: dir });
    const copy = JSON.parse(JSON.stringify({ analysis, runs })) as { analysis: AnalysisReport; runs: RunReadModels[] };
    const fromCopy = renderHtmlReport({ ...copy, generatedFrom: dir });
    expect(again).toBe(html);
    expect(fromCopy).toBe(html);
  });

  it('gives the same bytes when the analysis is recomputed with the same seed', async () => {
    const recomputed = analysisReport((await loadAnalysisRuns({ dir })).runs, { seed: 3, resamples: 500 });
    expect(renderHtmlReport({ analysis: recomputed, runs, generatedFrom: dir })).toBe(html);
  });

  it('escapes every string from the data: model names, tool names and error messages reach the page only as text', () => {
    for (const raw of Object.values(HOSTILE)) {
      expect(html.includes(raw)).toBe(false);
      expect(html).toContain(escapeHtml(raw));
    }
    // The page has no script and no image of its own, so any of these would be injected markup.
    expect(firstMatch(html, /<script/i)).toBeNull();
    expect(firstMatch(html, /<img/i)).toBeNull();
    expect(firstMatch(html, /<[a-z][^>]*\son[a-z]+=/i)).toBeNull();
  });

  it('escapes the title and the source folder too', () => {
    const page = renderHtmlReport({
      analysis,
      runs,
      title: `Q3 <script>alert('x')</script> & "more"`,
      generatedFrom: `/logs/<b>"a" & 'b'</b>`,
    });
    expect(firstMatch(page, /<script/i)).toBeNull();
    expect(page.includes('<b>')).toBe(false);
    expect(page).toContain('<title>Q3 &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;</title>');
    expect(page).toContain('/logs/&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;');
  });

  it('escapes all five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  });

  it('references nothing outside the file: no URL, no external script, stylesheet, image or font', () => {
    expect(firstMatch(html, /https?:\/\//i)).toBeNull();
    expect(firstMatch(html, /\b(?:ftp|wss?|file):\/\//i)).toBeNull();
    expect(firstMatch(html, /<[a-z][^>]*\s(?:src|srcset|poster|action|formaction|xlink:href)=/i)).toBeNull();
    expect(firstMatch(html, /url\(|@import|@font-face/i)).toBeNull();
    const hrefs = [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href === 'data:,' || href.startsWith('#')).toBe(true);
    // And the browser is told to fetch nothing, should anything slip in.
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
  });

  it('has a print stylesheet that unclips tables, keeps charts whole and breaks pages sensibly', () => {
    const print = printStylesheet(html);
    expect(print).not.toBe('');
    expect(print).toMatch(/@page\s*\{[^}]*size:/);
    expect(print).toMatch(/\.table-wrap\s*\{[^}]*overflow:\s*visible/);
    expect(print).toMatch(/thead\s*\{[^}]*display:\s*table-header-group/);
    expect(print).toMatch(/svg\.chart[^{]*\{[^}]*break-inside:\s*avoid/);
    expect(print).toMatch(/break-before:\s*page/);
  });

  it('writes no placeholder of a missing value: no NaN, undefined or [object Object]', () => {
    expect(firstMatch(html, /NaN|undefined|\[object Object\]|Infinity/)).toBeNull();
  });

  it('shows the 200 most recent runs and says how many older ones were left out', () => {
    const many: RunReadModels[] = [];
    for (let i = 0; i < 230; i += 1) {
      const base = runs[i % runs.length]!;
      const startedAt = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 3_600_000).toISOString();
      many.push({ ...base, run: { ...base.run, runId: `bulk-${String(i).padStart(3, '0')}`, startedAt } });
    }
    const page = renderHtmlReport({ analysis, runs: many, generatedFrom: dir });
    const rows = [...page.matchAll(/<tr class="row-[a-z]+" data-run-id="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toHaveLength(200);
    expect(rows[0]).toBe('bulk-229');
    expect(rows.at(-1)).toBe('bulk-030');
    expect(page).toContain('Showing the 200 most recent runs; 30 older runs left out of this table');
  });

  it("shows a run's known cost as a lower bound with its unpriced records and tokens, and 'unknown' when nothing is priced", () => {
    const base = runs[0]!;
    const withTokens = (runId: string, tokenRecords: number): RunReadModels => ({
      ...base,
      run: {
        ...base.run,
        runId,
        unpricedModels: ['acme-9000'],
        tokens: { ...base.run.tokens, costUsd: 0.17, tokenRecords, unpricedRecords: 2, unpricedTokens: 1234 },
      },
    });
    const page = renderHtmlReport({ analysis, runs: [withTokens('partly-priced', 5), withTokens('all-unpriced', 2)], generatedFrom: dir });
    const cell = (runId: string): string | null =>
      firstMatch(page.slice(page.indexOf(`data-run-id="${runId}"`)), /<span class="warning" title="a lower bound[^"]*">[^<]*<\/span>/);
    expect(cell('partly-priced')).toBe(
      '<span class="warning" title="a lower bound: 2 token record(s) with 1234 tokens have no price (acme-9000)">≥ $0.1700 (2 unpriced)</span>',
    );
    expect(cell('all-unpriced')).toContain('>unknown (2 unpriced)</span>');
  });

  it('marks a cost that uses provider-reported costs with its difference to the computed cost', () => {
    const base = runs[0]!;
    const run: RunReadModels = {
      ...base,
      run: {
        ...base.run,
        runId: 'gateway',
        tokens: { ...base.run.tokens, costUsd: 0.5, unpricedRecords: 0, reportedRecords: 3, reportedMinusComputedUsd: -0.25 },
      },
    };
    const page = renderHtmlReport({ analysis, runs: [run], generatedFrom: dir });
    expect(page).toContain(
      '<span class="small" title="3 token record(s) priced by the provider&#39;s reported cost; reported − computed: −$0.2500">(reported −$0.2500)</span>',
    );
  });

  it('renders an empty logs folder as a page that says there is nothing yet', () => {
    const page = renderHtmlReport({ analysis: analysisReport([], { seed: 1, resamples: 10 }), runs: [], generatedFrom: '/empty' });
    expect(page).toContain('No runs recorded.');
    expect(page).toContain('no finished runs to compare');
    expect(firstMatch(page, /NaN|undefined|\[object Object\]|Infinity/)).toBeNull();
  });
});
