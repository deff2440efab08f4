import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/child.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * The layer rules of .dependency-cruiser.cjs (`npm run lint:layers`), run on small trees laid out
 * like the project's: a tree that keeps to the layers passes, and each kind of violation is
 * refused with a non-zero exit naming its rule and the import that broke it.
 */

const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

function tree(files: Record<string, string>): string {
  const dir = tempDir('runledger-layers-');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function cruise(dir: string): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [DEPCRUISE, '--config', CONFIG, '--output-type', 'err', 'src', 'events', 'projections', 'replay', 'examples'],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A lawful tree: each layer imports only those below it. */
const LAWFUL = {
  'src/errors.ts': 'export class RunledgerError extends Error {}\n',
  'src/durable/file-ops.ts': "import fs from 'node:fs';\nexport const open = fs.openSync;\n",
  'events/registry.ts':
    "import { RunledgerError } from '../src/errors.js';\nexport const EVENT_TYPES = ['RunStarted'];\nexport const Invalid = RunledgerError;\n",
  'src/journal/envelope.ts':
    "import { EVENT_TYPES } from '../../events/registry.js';\nexport type JournalEntry = { type: (typeof EVENT_TYPES)[number] };\n",
  'src/journal/writer.ts':
    "import { open } from '../durable/file-ops.js';\nimport type { JournalEntry } from './envelope.js';\nexport const write = (e: JournalEntry) => open(e.type, 'a');\n",
  'projections/run.ts':
    "import type { JournalEntry } from '../src/journal/envelope.js';\nexport const fold = (e: JournalEntry) => e.type;\n",
  'src/collector/session.ts': "import { write } from '../journal/writer.js';\nexport const record = write;\n",
  'replay/replay.ts': "import { fold } from '../projections/run.js';\nexport const replay = fold;\n",
  'src/git/metrics.ts': "import { EVENT_TYPES } from '../../events/registry.js';\nexport const metrics = () => EVENT_TYPES.length;\n",
  'src/index.ts': "export * from './collector/session.js';\nexport * from './git/metrics.js';\n",
  'src/entries/replay.ts': "export * from '../../replay/replay.js';\n",
  'examples/demo.ts':
    "import { record } from '../src/index.js';\nimport { replay } from '../src/entries/replay.js';\nexport const demo = [record, replay];\n",
  // The OTLP protos load on the first protobuf request: through import().
  'src/serve/otlp/otlp-protos.ts': 'export const OTLP_TRACE_PROTO_FILES: string[] = [];\n',
  'src/serve/otlp/otlp-protobuf.ts': "export const load = async () => (await import('./otlp-protos.js')).OTLP_TRACE_PROTO_FILES;\n",
};

describe('layer rules (npm run lint:layers)', () => {
  it('accept a tree that keeps to the layers', () => {
    const { status, output } = cruise(tree(LAWFUL));
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it('refuse each kind of violation, naming the rule and the import', () => {
    const { status, output } = cruise(
      tree({
        ...LAWFUL,
        // The lowest layer reaching up.
        'events/registry.ts':
          "import { record } from '../src/collector/session.js';\nexport const EVENT_TYPES = ['RunStarted'];\nexport const r = record;\n",
        // The collector importing replay instead of being given an updater.
        'src/collector/session.ts':
          "import { write } from '../journal/writer.js';\nimport { replay } from '../../replay/replay.js';\nexport const record = write;\nexport const live = replay;\n",
        // Code metrics from git writing to a journal: they only give finalizeIssue its argument.
        'src/git/metrics.ts': "import { write } from '../journal/writer.js';\nexport const metrics = write;\n",
        // A type-only cycle.
        'replay/index-entry.ts': "import type { Codec } from './index-codec.js';\nexport interface Entry { codec: Codec }\n",
        'replay/index-codec.ts': "import type { Entry } from './index-entry.js';\nexport interface Codec { entry: Entry }\n",
        // A projection touching the file system.
        'projections/run.ts':
          "import fs from 'node:fs';\nimport type { JournalEntry } from '../src/journal/envelope.js';\nexport const fold = (e: JournalEntry) => fs.existsSync(e.type);\n",
        // The CLI's help loading a command's implementation.
        'src/cli/runs-command.ts': 'export const runs = 1;\n',
        'src/cli/main.ts': "import { runs } from './runs-command.js';\nexport const main = runs;\n",
        // The metrics reaching up into the collector.
        'src/metrics-export/families.ts': "import { record } from '../collector/session.js';\nexport const families = record;\n",
        // serve parsing the OTLP protos at start.
        'src/serve/otlp/otlp-protobuf.ts':
          "import { OTLP_TRACE_PROTO_FILES } from './otlp-protos.js';\nexport const files = OTLP_TRACE_PROTO_FILES;\n",
        // An example reaching past the entry points.
        'examples/demo.ts': "import { write } from '../src/journal/writer.js';\nexport const demo = write;\n",
      }),
    );
    expect(status).not.toBe(0);
    expect(output).toMatch(/error layer-events: events\/registry\.ts → src\/collector\/session\.ts/);
    expect(output).toMatch(/error layer-collector: src\/collector\/session\.ts → replay\/replay\.ts/);
    expect(output).toMatch(/error layer-git: src\/git\/metrics\.ts → src\/journal\/writer\.ts/);
    expect(output).toMatch(/error no-circular: replay\/index-(entry|codec)\.ts → /);
    expect(output).toMatch(/error pure-no-node: projections\/run\.ts → (node:)?fs/);
    expect(output).toMatch(/error light-cli-help: src\/cli\/main\.ts → src\/cli\/runs-command\.ts/);
    expect(output).toMatch(/error layer-metrics-export: src\/metrics-export\/families\.ts → src\/collector\/session\.ts/);
    expect(output).toMatch(/error examples-use-entry-points: examples\/demo\.ts → src\/journal\/writer\.ts/);
    expect(output).toMatch(/error light-otlp-protobuf: src\/serve\/otlp\/otlp-protobuf\.ts → src\/serve\/otlp\/otlp-protos\.ts/);
  });
});
