import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadAnalysisRuns, replay } from '../src/entries/replay.js';
import { recordSampleRun, startRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * docs/DESIGN.md §6.5: derived state is never trusted over the journals. A checkpoint (state file),
 * fragment (.rows), index or assembled file that does not verify is discarded and rebuilt from the
 * journal, with one warning line, and the files come out byte for byte as a clean replay makes them.
 */

/** Every derived file's bytes but replay's own bookkeeping. */
function derivedFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile() || name.includes('events.ndjson') || name.endsWith('.lock') || name.startsWith('.replay/runs'))
      continue;
    if (name === '.replay/index.json' || name === '.replay/tables.json' || name === '.replay/index-pending.ndjson') continue;
    out[name] = fs.readFileSync(file, 'base64');
  }
  return out;
}

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  const write: (chunk: string | Uint8Array) => boolean = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    if (String(chunk).startsWith('runledger: warning:')) {
      warnings.push(String(chunk));
      return true;
    }
    return write(chunk);
  });
});
afterEach(() => vi.restoreAllMocks());

async function folderWithTwoRuns(): Promise<{ dir: string; clean: Record<string, string> }> {
  const dir = tempDir();
  await recordSampleRun(dir, 'first');
  await recordSampleRun(dir, 'second');
  await replay({ dir });
  return { dir, clean: derivedFiles(dir) };
}

describe('damaged files under .replay/', () => {
  it('a fragment (.rows) that is garbage: replay, replay --full and the analysis rebuild it from the journal, one warning line', async () => {
    const { dir, clean } = await folderWithTwoRuns();
    fs.writeFileSync(path.join(dir, '.replay', 'runs', 'first.rows'), 'xx\n');
    fs.rmSync(path.join(dir, 'csv'), { recursive: true });
    expect((await replay({ dir })).ok).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(/^runledger: warning: .*first\.rows did not verify \(.*\); discarded, rebuilt from the journal\n$/),
    ]);
    expect(derivedFiles(dir)).toEqual(clean);

    fs.writeFileSync(path.join(dir, '.replay', 'runs', 'second.rows'), 'xx');
    fs.rmSync(path.join(dir, 'csv'), { recursive: true });
    expect((await replay({ dir, full: true })).ok).toBe(true);
    expect(derivedFiles(dir)).toEqual(clean);

    // One byte changed inside a part: the lengths still add up, the SHA-256 does not.
    const rows = path.join(dir, '.replay', 'runs', 'first.rows');
    const bytes = fs.readFileSync(rows);
    bytes[bytes.length - 3]! ^= 1;
    fs.writeFileSync(rows, bytes);
    fs.writeFileSync(path.join(dir, '.replay', 'analysis-runs.ndjson'), 'xx\n');
    warnings = [];
    const { runs } = await loadAnalysisRuns({ dir });
    expect(runs.map((r) => r.runId)).toEqual(['first', 'second']);
    expect(warnings).toEqual([expect.stringContaining('first.rows did not verify (its SHA-256 does not match its bytes)')]);
    expect(derivedFiles(dir)).toEqual(clean);
  });

  it('a checkpoint (state file) that does not verify is discarded: the run is read again from byte 0', async () => {
    const dir = tempDir();
    const c = await startRun(dir, { runId: 'growing' });
    c.startIssue(1);
    await replay({ dir });
    const state = path.join(dir, '.replay', 'runs', 'growing.state.json');
    const text = fs.readFileSync(state, 'utf8');
    fs.writeFileSync(state, text.replace('"startIssue"', '"startIssuX"').replace(/"issueId":1/, '"issueId":7'));
    c.finalizeIssue(1, 'completed');
    c.finalizeRun('completed');
    const report = await replay({ dir });
    expect(report.runs).toEqual([expect.objectContaining({ runId: 'growing', fromScratch: true })]);
    expect(warnings).toEqual([expect.stringContaining('growing.state.json did not verify')]);
    const cleanDir = tempDir();
    fs.cpSync(path.join(dir, 'runs'), path.join(cleanDir, 'runs'), { recursive: true });
    await replay({ dir: cleanDir });
    expect(derivedFiles(dir)).toEqual(derivedFiles(cleanDir));

    fs.writeFileSync(state, 'xx');
    c.close();
    await replay({ dir, full: false });
    expect(derivedFiles(dir)).toEqual(derivedFiles(cleanDir));
  });

  it('an index that is garbage or was edited is discarded with one warning line; another version is rebuilt silently', async () => {
    const { dir, clean } = await folderWithTwoRuns();
    const index = path.join(dir, '.replay', 'index.json');
    const text = fs.readFileSync(index, 'utf8');
    fs.writeFileSync(index, text.replace(/"first",("[^"]*")/, '"first",$1 ').replace(/(\[\s*"second",[^\n]*?),(\d+)\]/, '$1,9$2]'));
    expect((await replay({ dir })).runs.every((r) => r.outcome === 'replayed')).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('index.json did not verify')]);
    expect(derivedFiles(dir)).toEqual(clean);

    warnings = [];
    fs.writeFileSync(index, 'xx');
    await replay({ dir });
    expect(warnings).toEqual([expect.stringContaining('index.json did not verify (it is not JSON)')]);
    warnings = [];
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace(/"version":\d+/, '"version":1'));
    await replay({ dir });
    expect(warnings).toEqual([]);
    expect(derivedFiles(dir)).toEqual(clean);
  });

  it('an assembled file changed by hand (the analyzer inputs, a table) is assembled again on the next replay', async () => {
    const { dir, clean } = await folderWithTwoRuns();
    fs.writeFileSync(path.join(dir, '.replay', 'analysis-runs.ndjson'), 'xx\n');
    fs.appendFileSync(path.join(dir, 'csv', 'runs.csv'), 'edited\r\n');
    await replay({ dir });
    expect(derivedFiles(dir)).toEqual(clean);
  });
});
