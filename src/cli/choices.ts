/** Values the CLI's help shows and its commands check, kept apart from what the commands load. */

export const RUN_STATUSES = ['running', 'completed', 'failed', 'interrupted', 'crashed'];

/**
 * What ranks the groups of `runledger compare`: the analysis' RANK_METRICS, written out here so
 * that `compare --help` loads no analysis (test/cli.help.test.ts checks that the two agree).
 */
export const RANK_METRIC_NAMES = ['success', 'cost', 'duration', 'first-time-right'];

/** What `runledger suggest --objective` takes: the analysis' OBJECTIVES, written out for the help (test/cli.help.test.ts checks that the two agree). */
export const SUGGEST_OBJECTIVE_NAMES = ['success', 'cost-per-success', 'score'];
/**
 * The formats `runledger import` takes: the keys of src/import/registry.ts IMPORTERS, written out
 * here so that `import --help` loads no importer (test/import.framework.test.ts checks that the two agree).
 */
export const IMPORT_FORMATS = ['aider', 'aider-leaderboard', 'swe-bench', 'swe-agent', 'openhands', 'inspect'];
