import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** SHA-256 (hex) of a file, read as a stream: a file of any size costs one read buffer. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 (hex) of text, for an identity built from parts of a source. */
export function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * SHA-256 of a set of files under a folder: of the lines `<path relative to folder> NUL <sha256>`,
 * sorted by path. The same files with the same bytes give the same hash wherever the folder is.
 */
export function sha256OfFiles(folder: string, files: ReadonlyArray<{ readonly file: string; readonly sha256: string }>): string {
  const lines = files
    .map((f) => `${path.relative(folder, f.file).split(path.sep).join('/')}\0${f.sha256}\n`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256Text(lines.join(''));
}
