import { execFileSync } from 'node:child_process';
import { DEBIAN_PYTHON } from './scipy.js';

/**
 * An Inspect `.eval` log built from a fixture folder of its members, zipped (deflated) with
 * Python's zipfile as Inspect itself does; header.json goes last, as Inspect writes it when the
 * eval ends. The fixtures stay readable JSON; the archive is made per test.
 */
export function buildEvalLog(folder: string, target: string): string {
  const script = `
import os, sys, zipfile
folder, target = sys.argv[1], sys.argv[2]
members = []
for base, _dirs, files in os.walk(folder):
    for name in files:
        full = os.path.join(base, name)
        members.append(os.path.relpath(full, folder).replace(os.sep, '/'))
members.sort(key=lambda m: (m == 'header.json', m))
with zipfile.ZipFile(target, 'w', compression=zipfile.ZIP_DEFLATED, compresslevel=5) as z:
    for member in members:
        z.write(os.path.join(folder, member), member)
`;
  execFileSync(DEBIAN_PYTHON, ['-c', script, folder, target]);
  return target;
}
