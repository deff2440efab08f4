import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/child.js';

/**
 * README "Add runledger to your project", done as a user does it: `npm pack` this repository (after
 * the build) and install the tarball into a new package outside it, then use runledger from there:
 * `import { MetricsCollector } from 'runledger'` records a run, the subpaths load, the installed
 * types type-check a strict TypeScript file (moduleResolution nodenext), and `npx runledger` runs.
 *
 * Without the network: npm runs with `--offline` and a registry that cannot be reached, so every
 * package comes from the npm cache, where `npm ci` of this repository put runledger's dependencies.
 * `npm install <tarball> --offline` alone would need each dependency's registry document (its
 * packument), which `npm ci` never fetches; so the outside package gets a package-lock.json made from
 * this repository's (the same versions and integrity hashes), as a user's own lock file would pin them.
 */

const UNREACHABLE_REGISTRY = 'http://127.0.0.1:9/';
const NPM_OFFLINE = ['--offline', '--no-audit', '--no-fund', '--registry', UNREACHABLE_REGISTRY];

interface LockEntry {
  readonly version: string;
  readonly resolved?: string;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly [key: string]: unknown;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  // Whatever npm said to the test runner (npm test sets npm_config_*) is not the outside package's business.
  for (const key of Object.keys(env)) if (key.toLowerCase().startsWith('npm_')) delete env[key];
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
}

function succeeded(result: SpawnSyncReturns<string>, what: string): string {
  expect(result.status, `${what}: exit ${String(result.status ?? result.signal)}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** The registry address npm downloaded a package from, as npm writes it into a lock file. */
function registryTarball(key: string, entry: LockEntry): string {
  const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `https://registry.npmjs.org/${name}/-/${name.split('/').pop()!}-${entry.version}.tgz`;
}

/** The outside package: runledger from the tarball and @types/node, every other version as runledger's own lock file has it. */
function outsidePackage(app: string, tarball: string): void {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const spec = `file:${path.relative(app, tarball)}`;
  const typesNode = lock.packages['node_modules/@types/node']!.version;
  const manifest = {
    name: 'outside-app',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: { runledger: spec },
    devDependencies: { '@types/node': typesNode },
  };
  const packages: Record<string, unknown> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
    'node_modules/runledger': {
      version: own.version,
      resolved: spec,
      integrity: `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      dependencies: own.dependencies,
      bin: own.bin,
      engines: own.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith('node_modules/') || entry.dev === true || entry.devOptional === true) continue;
    packages[key] = { ...entry, resolved: entry.resolved ?? registryTarball(key, entry) };
  }
  for (const key of ['node_modules/@types/node', 'node_modules/undici-types']) {
    const entry = lock.packages[key]!;
    packages[key] = { ...entry, resolved: entry.resolved ?? registryTarball(key, entry), dev: true };
  }
  fs.writeFileSync(path.join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(
    path.join(app, 'package-lock.json'),
    `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
}

const RECORD_SCRIPT = `
import { MetricsCollector, verifyRun } from 'runledger';
import { replay } from 'runledger/replay';
import { compareConfigurations } from 'runledger/analysis';
import { startServer } from 'runledger/serve';
import { shipJournals } from 'runledger/ship';
import fs from 'node:fs';

const dir = process.argv[2];
const metrics = await MetricsCollector.start({ dir, projectId: 'outside', runId: 'outside-run', config: { llm: { provider: 'openai', model: 'gpt-4o' } }, handleSignals: false });
metrics.startIssue(1, { title: 'from an installed package' });
const usage = metrics.recordTokenUsage({ model: 'gpt-4o', provider: 'openai', inputTokens: 1000, outputTokens: 100 });
metrics.finalizeIssue(1, 'completed', { linesAdded: 3 });
metrics.finalizeRun('completed');
await metrics.whenDerivedFilesUpdated();
const report = await replay({ dir });
const lines = fs.readFileSync(metrics.journalPath, 'utf8').trim().split('\\n').map((line) => JSON.parse(line));
console.log(JSON.stringify({
  types: lines.map((e) => e.type),
  verdict: verifyRun(dir, 'outside-run').verdict,
  costUsd: usage.cost?.totalUsd ?? null,
  replayOk: report.ok,
  tables: report.tables.length,
  subpaths: [typeof compareConfigurations, typeof startServer, typeof shipJournals],
}));
`;

const TYPED_FILE = `
import { MetricsCollector, codeMetricsFromGit, type GitCodeMetrics, type IssueStatus } from 'runledger';
import { replay, type ReplayReport } from 'runledger/replay';
import { compareConfigurations } from 'runledger/analysis';

export async function recordOne(dir: string, status: IssueStatus): Promise<ReplayReport> {
  const metrics = await MetricsCollector.start({ dir, projectId: 'typed', config: { llm: { provider: 'openai', model: 'gpt-4o' } } });
  metrics.startIssue(1);
  const code: GitCodeMetrics = await codeMetricsFromGit({ cwd: dir, base: 'HEAD~1' });
  metrics.finalizeIssue(1, status, { ...code, testsAdded: 1 });
  metrics.finalizeRun('completed');
  void compareConfigurations;
  return replay({ dir });
}
`;

/** A mistake the installed types must catch: a status that does not exist. */
const MISTAKE_FILE = `
import { MetricsCollector } from 'runledger';
export async function wrong(dir: string): Promise<void> {
  const metrics = await MetricsCollector.start({ dir, projectId: 'typed', config: { llm: { provider: 'openai', model: 'gpt-4o' } } });
  metrics.finalizeIssue(1, 'done');
}
`;

const TSCONFIG = {
  // skipLibCheck as `tsc --init` writes it: checking every .d.ts of zod and fastify again takes half a minute on a busy machine.
  compilerOptions: {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['typed.ts', 'mistake.ts'],
};

let work = '';
let app = '';
let tarballFiles: string[] = [];

beforeAll(() => {
  // One outside package for every test of this file (tempDir's folders go after each test).
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'runledger-outside-'));
  // The package as published: `npm pack` of the built tree (the build is the test run's: test:integration builds first).
  const packed = JSON.parse(
    succeeded(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT), 'npm pack'),
  ) as [{ filename: string; files: { path: string }[] }];
  tarballFiles = packed[0].files.map((f) => f.path);
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  outsidePackage(app, path.join(work, packed[0].filename));
  succeeded(
    run('npm', ['ci', ...NPM_OFFLINE], app),
    'npm ci --offline of the outside package (run npm ci in the repository first: it fills the npm cache)',
  );
}, 300_000);
afterAll(() => {
  if (work !== '') fs.rmSync(work, { recursive: true, force: true });
});

describe('runledger installed into another package from its tarball, without the network', () => {
  it('the tarball holds the compiled package, its types and the worker it starts, not the sources or tests', () => {
    expect(tarballFiles).toContain('package.json');
    expect(tarballFiles).toContain('dist/src/index.js');
    expect(tarballFiles).toContain('dist/src/index.d.ts');
    expect(tarballFiles).toContain('dist/src/cli/main.js');
    expect(tarballFiles).toContain('dist/src/central/sink-worker.js');
    for (const entry of ['replay', 'analysis', 'serve', 'ship']) expect(tarballFiles).toContain(`dist/src/entries/${entry}.js`);
    expect(tarballFiles.filter((f) => /^(src|test|dist\/test|dist\/bench|dist\/examples)\//.test(f))).toEqual([]);
  });

  it("import { MetricsCollector } from 'runledger' records a run there; every subpath loads (fastify, NATS with them) and replay runs", () => {
    const logs = path.join(app, 'logs');
    fs.writeFileSync(path.join(app, 'record.mjs'), RECORD_SCRIPT);
    const out = JSON.parse(succeeded(run(process.execPath, ['record.mjs', logs], app), 'node record.mjs')) as Record<string, unknown>;
    expect(out).toEqual({
      types: ['RunStarted', 'IssueStarted', 'TokensUsed', 'IssueFinished', 'RunFinished'],
      verdict: 'intact',
      costUsd: expect.any(Number),
      replayOk: true,
      tables: 7,
      subpaths: ['function', 'function', 'function'],
    });
    expect(out.costUsd).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(logs, 'csv', 'runs.csv'), 'utf8')).toContain('outside-run');
  });

  it('its types check a strict TypeScript file (module and moduleResolution nodenext), and catch a mistake', () => {
    fs.writeFileSync(path.join(app, 'typed.ts'), TYPED_FILE);
    fs.writeFileSync(path.join(app, 'mistake.ts'), MISTAKE_FILE);
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    // One tsc run for both files: typed.ts must have no error, mistake.ts exactly its one.
    const checked = run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
    const errors = checked.stdout.split('\n').filter((line) => / error TS\d+:/.test(line));
    expect(errors, checked.stdout + checked.stderr).toHaveLength(1);
    // (tsc names the union's members in no fixed order.)
    expect(errors[0]).toMatch(
      /^mistake\.ts\(5,28\): error TS2345: Argument of type '"done"' is not assignable to parameter of type '"\w+" \| "\w+" \| "\w+"'\.$/,
    );
    expect(checked.status).toBe(2);
  });

  it('npx runledger runs the installed command: --help, and runs on the folder it recorded', () => {
    const help = succeeded(run('npx', [...NPM_OFFLINE, 'runledger', '--help'], app), 'npx runledger --help');
    expect(help).toContain('Usage: runledger');
    expect(help).toContain('git-metrics');
    const logs = path.join(app, 'logs-npx');
    fs.writeFileSync(path.join(app, 'record.mjs'), RECORD_SCRIPT);
    succeeded(run(process.execPath, ['record.mjs', logs], app), 'node record.mjs');
    expect(succeeded(run('npx', [...NPM_OFFLINE, 'runledger', 'runs', '--dir', logs], app), 'npx runledger runs')).toContain('outside-run');
  });
});
