import fs from 'node:fs';
import path from 'node:path';

/**
 * The files under `root` whose name `matches`, depth first, each folder's entries in name order
 * (so two walks of the same tree agree). One folder listing is held at a time, never the tree.
 * Symbolic links are not followed.
 */
export async function* walkFiles(root: string, matches: (name: string) => boolean): AsyncGenerator<string> {
  const entries = await fs.promises.readdir(root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) yield* walkFiles(full, matches);
    else if (entry.isFile() && matches(entry.name)) yield full;
  }
}

/** Whether `root` holds at least one matching file: stops at the first. */
export async function containsFile(root: string, matches: (name: string) => boolean): Promise<boolean> {
  for await (const _file of walkFiles(root, matches)) return true;
  return false;
}

export async function isDirectory(p: string): Promise<boolean> {
  const stat = await fs.promises.stat(p).catch(() => null);
  return stat?.isDirectory() === true;
}
