import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | null = null;

/** runledger's own version, from its package.json (found upwards from this file, in src/ or dist/). */
export function runledgerVersion(): string {
  if (version === null) {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const candidate = path.join(dir, 'package.json');
      if (fs.existsSync(candidate)) {
        const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'runledger' && pkg.version) {
          version = pkg.version;
          break;
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error('runledger: cannot find its own package.json');
      dir = parent;
    }
  }
  return version;
}
