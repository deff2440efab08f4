import fs from 'node:fs';
import path from 'node:path';
import { ASSEMBLED_FILES, ANALYSIS_FILE } from '../../replay/assembled-files.js';
import { replay } from '../../replay/index.js';
import { tempDir } from './temp-dir.js';

/** Where an assembled file lies: the seven tables under csv/, the analyzer's inputs under .replay/. */
export const assembledPath = (dir: string, file: string): string =>
  file === ANALYSIS_FILE ? path.join(dir, '.replay', file) : path.join(dir, 'csv', file);

/** The seven tables and the analyzer's inputs of a logs folder, by file name. */
export const assembledFiles = (dir: string): Record<string, string> =>
  Object.fromEntries(ASSEMBLED_FILES.map((file) => [file, fs.readFileSync(assembledPath(dir, file), 'utf8')]));

/** The assembled files a full replay of these journals alone writes, in a fresh folder: the reference. */
export async function tablesOfAFullReplay(dir: string): Promise<Record<string, string>> {
  const copy = tempDir();
  for (const runId of fs.readdirSync(path.join(dir, 'runs'))) {
    fs.mkdirSync(path.join(copy, 'runs', runId), { recursive: true });
    fs.copyFileSync(path.join(dir, 'runs', runId, 'events.ndjson'), path.join(copy, 'runs', runId, 'events.ndjson'));
  }
  await replay({ dir: copy, full: true });
  return assembledFiles(copy);
}
