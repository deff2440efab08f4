import type { Importer } from './importer.js';

/**
 * Every format `runledger import` takes, each loaded only when used. A new format is one module
 * implementing Importer (importer.ts) and one line here; its name also goes into IMPORT_FORMATS of
 * src/cli/choices.ts, which the CLI's help lists without loading this file.
 */
export const IMPORTERS: Readonly<Record<string, () => Promise<Importer>>> = {
  aider: async () => (await import('./formats/aider.js')).aiderImporter,
  'aider-leaderboard': async () => (await import('./formats/aider-leaderboard.js')).aiderLeaderboardImporter,
  'swe-bench': async () => (await import('./formats/swe-bench.js')).sweBenchImporter,
  'swe-agent': async () => (await import('./formats/swe-agent.js')).sweAgentImporter,
  openhands: async () => (await import('./formats/openhands.js')).openHandsImporter,
  inspect: async () => (await import('./formats/inspect.js')).inspectImporter,
};

export function importFormats(): string[] {
  return Object.keys(IMPORTERS);
}
