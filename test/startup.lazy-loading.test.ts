import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../replay/index.js';
import { CLI, FIXTURES, ROOT } from './helpers/child.js';
import { recordSampleRun } from './helpers/runs.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * What a process loads, not how long it takes (the bench measures that): the CLI's help loads
 * no command, and `import('runledger')` with a run started and finalized loads no replay,
 * analysis, server or shipping, and none of the heavy packages it does not use. Each process runs
 * with test/fixtures/trace-loads.mjs, which writes down every module it loads.
 */

interface Loads {
  /** Our own modules, relative to dist/ (src/cli/main.js, events/registry.js, ...). */
  readonly ours: string[];
  /** Packages from node_modules, by name. */
  readonly packages: string[];
  /** Node's own modules imported with the node: prefix (node:fs, ...). */
  readonly builtins: string[];
}

const DIST = path.join(ROOT, 'dist');

function traced(args: readonly string[]): Loads {
  const trace = path.join(tempDir('runledger-trace-'), 'loads.txt');
  const result = spawnSync(process.execPath, ['--import', path.join(FIXTURES, 'trace-loads.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, RUNLEDGER_TRACE_LOADS: trace },
  });
  expect(result.status, result.stderr).toBe(0);
  const lines = fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  const ours = new Set<string>();
  const packages = new Set<string>();
  const builtins = new Set<string>();
  for (const line of lines) {
    const [how, what] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    if (what.startsWith('node:')) builtins.add(what);
    const file = what.startsWith('file://') ? new URL(what).pathname : how === 'require' && path.isAbsolute(what) ? what : null;
    const inNodeModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file ?? '');
    if (inNodeModules) packages.add(inNodeModules[1]!);
    else if (file?.startsWith(`${DIST}/`)) ours.add(path.relative(DIST, file));
    else if (how === 'require' && !what.startsWith('.') && !what.startsWith('node:') && !path.isAbsolute(what))
      packages.add(
        what
          .split('/')
          .slice(0, what.startsWith('@') ? 2 : 1)
          .join('/'),
      );
  }
  return { ours: [...ours].sort(), packages: [...packages].sort(), builtins: [...builtins].sort() };
}

const HELP_MODULES = [
  'src/cli/choices.js',
  'src/cli/commands-analysis.js',
  'src/cli/commands.js',
  'src/cli/exit-codes.js',
  'src/cli/main.js',
  'src/errors.js',
  'src/serve/defaults.js',
  'src/ship/subject.js',
  'src/version.js',
];
const HEAVY = [
  'fastify',
  '@nats-io/jetstream',
  '@nats-io/transport-node',
  'simple-statistics',
  'rxjs',
  '@pydantic/genai-prices',
  'csv-stringify',
  'ndjson',
  'commander',
];

describe('start-up loads only what is used', () => {
  it.each([['--help'], ['runs', '--help'], ['serve', '--help'], ['compare', '--help']])(
    'runledger %s loads commander and the command table, no command',
    (...args) => {
      const loads = traced([CLI, ...args]);
      expect(loads.ours).toEqual(HELP_MODULES);
      expect(loads.packages).toEqual(['commander']);
    },
  );

  it("import { MetricsCollector } from 'runledger', start() and finalizeRun(): no replay, analysis, server or shipping, no heavy package", () => {
    const loads = traced([path.join(FIXTURES, 'record-one-run.mjs'), tempDir()]);
    expect(loads.ours).toContain('src/collector/run-session.js');
    expect(loads.ours.filter((m) => /^src\/(analysis|serve|ship|central|report-html|cli|cleanup|entries)\//.test(m))).toEqual([]);
    // Only the updater that loads replay when a live update first runs.
    expect(loads.ours.filter((m) => m.startsWith('replay/') || m.startsWith('projections/'))).toEqual(['replay/live-update.js']);
    expect(loads.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
    // codeMetricsFromGit is exported from the root entry; it loads child_process when first called.
    expect(loads.ours).toContain('src/git/code-metrics-from-git.js');
    expect(loads.builtins).toContain('node:fs');
    expect(loads.builtins).not.toContain('node:child_process');
  });

  it('the price table loads with the first token record, rxjs with the first subscription to events$', () => {
    const loads = traced([path.join(FIXTURES, 'record-one-run.mjs'), tempDir(), 'tokens', 'events']);
    expect(loads.packages).toContain('@pydantic/genai-prices');
    expect(loads.packages).toContain('rxjs');
    expect(
      loads.packages.filter((p) => ['fastify', '@nats-io/jetstream', '@nats-io/transport-node', 'simple-statistics'].includes(p)),
    ).toEqual([]);
  });

  it('runledger runs on a folder replayed before reads no journal, so loads no event schema (nor zod); with a new run it does', async () => {
    const dir = tempDir();
    await recordSampleRun(dir, 'first');
    await replay({ dir });
    const upToDate = traced([CLI, 'runs', '--dir', dir]);
    expect(upToDate.ours).toContain('replay/replay.js');
    expect(upToDate.ours).not.toContain('events/registry.js');
    expect(upToDate.packages).not.toContain('zod');

    await recordSampleRun(dir, 'second');
    const withNewRun = traced([CLI, 'runs', '--dir', dir]);
    expect(withNewRun.ours).toContain('events/registry.js');
    expect(withNewRun.packages).toContain('zod');
  });

  it("the compare command's help lists the analysis' own rank metrics", async () => {
    const { RANK_METRICS } = await import('../src/analysis/compare.js');
    const help = spawnSync(process.execPath, [CLI, 'compare', '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`what ranks the groups: ${RANK_METRICS.join(', ')} (default success)`);
  });

  it("the suggest command's help lists the analysis' own objectives", async () => {
    const { OBJECTIVES } = await import('../src/analysis/suggest/objective.js');
    const help = spawnSync(process.execPath, [CLI, 'suggest', '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`what best means: ${OBJECTIVES.join(', ')} (default success)`);
  });
});
