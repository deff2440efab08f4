/**
 * The layers of runledger, checked by `npm run lint:layers` (and so by `npm run lint` and CI).
 * Lowest first; a layer imports only the layers it lists. The rationale is in docs/DESIGN.md
 * (section "Layers"); test/layers.test.ts checks that a violation of each kind is refused.
 *
 *   leaves      src/errors.ts, src/version.ts, src/durable/ (FileOps, atomic files, folder fsync)
 *   events      the vocabulary: event types, schemas, fields
 *   journal     line format, envelope (seq, prev, hash, genesis), writer, reader, locks
 *   prices      price book and override files
 *   projections pure folds of journal entries (types of the journal only, no node: modules)
 *   analysis    pure statistics over projections (no node: modules)
 *   audit       verification of journals
 *   collector   recording: the collectors and their run sessions (not replay: given an updater)
 *   git         code metrics from a git diff, for finalizeIssue (runs git; beside the collector, not in it)
 *   replay      derived files rebuilt from journals (not ship, not the collector)
 *   metrics-export the folder's metrics for Prometheus, from replay's read models (prom-client only through import())
 *   import      importers of other harnesses' files into journals (config checks of the collector only)
 *   ship, central, serve, report-html, cleanup: applications of the layers below
 *   entry points: src/index.ts, src/entries/ (the package's subpaths), src/cli/
 */

const ours = '^(src|events|projections|replay)/';
const LEAVES = ['^src/errors\\.ts$', '^src/version\\.ts$', '^src/durable/'];
const EVENTS = '^events/';
const JOURNAL = '^src/journal/';
const PRICES = '^src/prices/';
const PROJECTIONS = '^projections/';
const ANALYSIS = '^src/analysis/';
const AUDIT = '^src/audit/';
const COLLECTOR = '^src/collector/';
const GIT = '^src/git/';
const REPLAY = '^replay/';
const SHIP = '^src/ship/';
const METRICS_EXPORT = '^src/metrics-export/';
const ENTRIES = ['^src/index\\.ts$', '^src/entries/'];

/** A layer: the modules under `from` may import, of our own code, only themselves and `mayImport`. */
function layer(name, from, mayImport, comment) {
  return {
    name: `layer-${name}`,
    comment,
    severity: 'error',
    from: { path: from },
    to: { path: ours, pathNot: [from, ...mayImport].flat() },
  };
}

/** Packages that cost tens of milliseconds or more to load: only where they are used, never on the recording path. */
const HEAVY =
  'node_modules/(fastify|@fastify|@nats-io|simple-statistics|rxjs|@pydantic/genai-prices|csv-stringify|ndjson|commander|prom-client)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No module imports itself through others, type-only imports included: the layers are an order, not a tangle.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer(
      'leaves',
      ['^src/errors\\.ts$', '^src/version\\.ts$'],
      [],
      'errors.ts and version.ts import nothing of ours: every layer may import them.',
    ),
    layer('durable', '^src/durable/', [], 'Durable file operations are a leaf: the journal, replay, ship and central write through them.'),
    layer('events', EVENTS, LEAVES, 'Events are the vocabulary: schemas and fields. They know no journal, no collector, no replay.'),
    layer(
      'journal',
      JOURNAL,
      [EVENTS, ...LEAVES],
      'The journal frames events (envelope, hash chain) and stores them; it knows nothing above it.',
    ),
    layer('prices', PRICES, [EVENTS, JOURNAL, ...LEAVES], 'Prices turn token counts into costs, below the collector that records them.'),
    layer('projections', PROJECTIONS, [EVENTS, JOURNAL, ...LEAVES], 'Projections are pure folds of journal entries.'),
    layer('analysis', ANALYSIS, [PROJECTIONS, EVENTS, ...LEAVES], 'Analysis is pure statistics over projected runs.'),
    layer('audit', AUDIT, [JOURNAL, EVENTS, ...LEAVES], 'Verification reads journals, nothing derived.'),
    layer(
      'collector',
      COLLECTOR,
      [JOURNAL, EVENTS, PRICES, ...LEAVES],
      'Recording never loads replay: live updates reach it through the updater the collector is given.',
    ),
    layer(
      'git',
      GIT,
      [EVENTS, ...LEAVES],
      'Code metrics from git read a repository, not journals: they give finalizeIssue its argument and know nothing of runs.',
    ),
    layer(
      'replay',
      REPLAY,
      [PROJECTIONS, JOURNAL, EVENTS, PRICES, ...LEAVES],
      'Replay rebuilds derived files from journals; it knows neither the collector nor shipping.',
    ),
    layer(
      'import',
      '^src/import/',
      [PRICES, JOURNAL, EVENTS, '^src/collector/(config|plain-json|sanitize)\\.ts$', ...LEAVES],
      "Importers write journals from other harnesses' files: the journal's encoding, the event schemas, prices, and the collector's config checks and redaction (pure helpers), nothing of recording or replay.",
    ),
    layer('ship', SHIP, [AUDIT, JOURNAL, EVENTS, ...LEAVES], 'Shipping reads journals and publishes them; it does not replay.'),
    layer(
      'central',
      '^src/central/',
      [REPLAY, SHIP, AUDIT, JOURNAL, EVENTS, ...LEAVES],
      'Central replay mirrors a stream, then replays it.',
    ),
    layer(
      'metrics-export',
      METRICS_EXPORT,
      [REPLAY, PROJECTIONS, JOURNAL, EVENTS, ...LEAVES],
      "The folder's metrics are folds of replay's read models; they know neither the collector nor the HTTP server that exposes them.",
    ),
    layer(
      'serve',
      '^src/serve/',
      [COLLECTOR, REPLAY, METRICS_EXPORT, AUDIT, PRICES, JOURNAL, EVENTS, ...LEAVES],
      'The HTTP API drives the collector (live updates through replay) and exposes the metrics.',
    ),
    layer(
      'report-html',
      '^src/report-html/',
      [ANALYSIS, REPLAY, PROJECTIONS, JOURNAL, EVENTS, ...LEAVES],
      'The HTML report renders analysis over replayed runs.',
    ),
    layer(
      'cleanup',
      '^src/cleanup/',
      [REPLAY, SHIP, JOURNAL, EVENTS, ...LEAVES],
      'Retention removes replayed runs, and only shipped ones when the folder is shipped.',
    ),
    {
      name: 'pure-no-node',
      comment: 'Projections and analysis are pure: no file system, no process, nothing of Node.',
      severity: 'error',
      from: { path: [PROJECTIONS, ANALYSIS] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'projections-journal-types-only',
      comment: 'Projections fold journal entries; they take their types from the journal, never its code.',
      severity: 'error',
      from: { path: PROJECTIONS },
      to: { path: JOURNAL, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'light-recording-path',
      comment:
        'What `import("runledger")` loads stays light: heavy packages only through import() or requireOnDemand() where they are used.',
      severity: 'error',
      from: { path: [EVENTS, JOURNAL, PRICES, COLLECTOR, AUDIT, GIT, ...LEAVES, '^src/index\\.ts$', '^replay/live-update\\.ts$'] },
      to: { path: HEAVY, dependencyTypesNot: ['type-only', 'dynamic-import', 'exotic-require'] },
    },
    {
      name: 'light-metrics-client',
      comment: 'prom-client loads with the first scrape (import() in the exposition adapter): serve and the CLI start without it.',
      severity: 'error',
      from: { path: ours },
      to: { path: 'node_modules/prom-client/', dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
    {
      name: 'light-root-entry',
      comment: 'The root entry statically imports the recording layers only; replay, analysis, serve and ship are subpaths.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: {
        path: ours,
        pathNot: [EVENTS, JOURNAL, PRICES, COLLECTOR, AUDIT, GIT, ...LEAVES, '^replay/live-update\\.ts$'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'light-otlp-protobuf',
      comment:
        'serve loads protobufjs and parses the OTLP protos on the first protobuf request to /v1/traces, never at start: a server that only takes JSON never pays for them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: ['node_modules/protobufjs/', '^src/serve/otlp/otlp-protos\\.ts$'], dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
    {
      name: 'light-cli-help',
      comment: 'The CLI registers its commands from static texts; each command loads its implementation when it runs.',
      severity: 'error',
      from: { path: '^src/cli/(main|commands|commands-[a-z-]+)\\.ts$' },
      to: {
        pathNot: [
          '^src/cli/(commands|commands-[a-z-]+|exit-codes|choices)\\.ts$',
          '^src/errors\\.ts$',
          '^src/version\\.ts$',
          '^src/serve/defaults\\.ts$',
          '^src/ship/subject\\.ts$',
          'node_modules/commander/',
        ],
        dependencyTypesNot: ['type-only', 'dynamic-import', 'core'],
      },
    },
    {
      name: 'only-entries-import-upwards',
      comment: 'Nothing below the entry points imports them: they are where the layers are put together.',
      severity: 'error',
      from: { path: ours, pathNot: ['^src/cli/', ...ENTRIES] },
      to: { path: [...ENTRIES, '^src/cli/'] },
    },
    {
      name: 'examples-use-entry-points',
      comment: "Examples import runledger as a user does: 'runledger' and its subpaths, never dist/ or a module inside.",
      severity: 'error',
      from: { path: '^examples/' },
      to: { path: ['^(src|events|projections|replay|dist)/'], pathNot: ENTRIES },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo is not a dependency).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    // createRequire(import.meta.url), named so: a package loaded where it is first needed, not with the module.
    exoticRequireStrings: ['requireOnDemand'],
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
