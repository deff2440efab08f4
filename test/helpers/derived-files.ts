import fs from 'node:fs';
import path from 'node:path';

/** Bookkeeping that differs between two folders by nature, not by content: the shipper's and the mirror's own state, and file times. */
const OWN_STATE = new Set(['.ship', '.central', '.replay.lock']);
/** replay's record of the files it assembled last (inode, mtime): what makes its next assembly incremental, per folder. */
const FILE_IDENTITIES = '.replay/tables.json';

/** Every file under `dir` (journals, JSON layout, CSVs, replay state) by relative path, except the shipper's and mirror's own state. */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if ((rel === '' && OWN_STATE.has(entry.name)) || child === FILE_IDENTITIES) continue;
      if (entry.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return out;
}

/**
 * replay's index records each journal's mtime (to notice changes), a random id of its last assembly,
 * a random generation (what the live updates' pending entries extend) and a checksum over its entries
 * (mtimes included); everything else in it must match.
 */
function withoutMtimes(index: Buffer): string {
  const parsed = JSON.parse(index.toString('utf8')) as { assembly: unknown; sha256?: unknown; runs: unknown[][] };
  // Position 5 of an entry is the journal's mtime (replay/run-index-codec.ts).
  return JSON.stringify({
    ...parsed,
    assembly: '',
    generation: '',
    sha256: '',
    runs: parsed.runs.map((entry) => entry.map((value, i) => (i === 5 ? 0 : value))),
  });
}

/** Asserts-free comparison: the relative paths whose bytes differ, and those present on one side only. */
export function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const diffs: string[] = [];
  for (const [file, bytes] of a) {
    const other = b.get(file);
    if (other === undefined) diffs.push(`only in the first: ${file}`);
    else if (file === '.replay/index.json' ? withoutMtimes(bytes) !== withoutMtimes(other) : !bytes.equals(other))
      diffs.push(`differs: ${file}`);
  }
  for (const file of b.keys()) if (!a.has(file)) diffs.push(`only in the second: ${file}`);
  return diffs;
}
