import fs from 'node:fs';
import path from 'node:path';
import { encodeEntry } from '../../replay/run-index-codec.js';
import { loadRunIndex } from '../../replay/run-index.js';
import { replayPaths } from '../../replay/replay-paths.js';

/** Bookkeeping that differs between two folders by nature, not by content: the shipper's and the mirror's own state, and file times. */
const OWN_STATE = new Set(['.ship', '.central', '.replay.lock']);
/** replay's record of the files it assembled last (inode, mtime): what makes its next assembly incremental, per folder. */
const FILE_IDENTITIES = '.replay/tables.json';
/**
 * replay's index is index.json with the pending log's entries on top; when the log is folded into
 * index.json depends on the folder's history of replays, so the two are compared as the index they
 * load, under index.json's name.
 */
const INDEX = '.replay/index.json';
const INDEX_LOG = '.replay/index-pending.ndjson';

/** Every file under `dir` (journals, JSON layout, CSVs, replay state) by relative path, except the shipper's and mirror's own state. */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if ((rel === '' && OWN_STATE.has(entry.name)) || child === FILE_IDENTITIES || child === INDEX_LOG) continue;
      if (entry.isDirectory()) walk(child);
      else if (child === INDEX) out.set(child, loadedIndex(dir));
      else out.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return out;
}

/**
 * The index replay loads (index.json and its pending entries), by run id, without what differs
 * between two folders by nature: each journal's mtime (position 5 of an encoded entry,
 * replay/run-index-codec.ts), noticed to see changes.
 */
function loadedIndex(dir: string): Buffer {
  const entries = [...loadRunIndex(replayPaths(dir)).values()]
    .map((entry) => encodeEntry({ ...entry, journalMtimeMs: 0 }))
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  return Buffer.from(JSON.stringify(entries));
}

/** Asserts-free comparison: the relative paths whose bytes differ, and those present on one side only. */
export function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const diffs: string[] = [];
  for (const [file, bytes] of a) {
    const other = b.get(file);
    if (other === undefined) diffs.push(`only in the first: ${file}`);
    else if (!bytes.equals(other)) diffs.push(`differs: ${file}`);
  }
  for (const file of b.keys()) if (!a.has(file)) diffs.push(`only in the second: ${file}`);
  return diffs;
}
