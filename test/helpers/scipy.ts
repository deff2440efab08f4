/**
 * Runs a Python script with Debian's /usr/bin/python3, the interpreter apt's python3-scipy and
 * python3-statsmodels are importable by (scripts/ensure-binaries.sh installs them; a python3 that
 * PATH finds first, pyenv's or a venv's, may not see them). The script gets `data` (the input, sent
 * as JSON on stdin) and calls `done(result)`; ±Infinity and NaN cross in both directions as the
 * strings 'Infinity', '-Infinity' and 'NaN', which Python's float() reads. One call per batch of
 * values: starting Python and importing scipy costs about half a second.
 */
import { execFileSync } from 'node:child_process';

export const DEBIAN_PYTHON = '/usr/bin/python3';

const PRELUDE = `
import json, math, sys
def _dec(v):
    if isinstance(v, str) and v in ('Infinity', '-Infinity', 'NaN'): return float(v)
    if isinstance(v, list): return [_dec(x) for x in v]
    if isinstance(v, dict): return {k: _dec(x) for k, x in v.items()}
    return v
def _enc(v):
    if hasattr(v, 'item'): v = v.item()
    if isinstance(v, float) and not math.isfinite(v): return 'NaN' if math.isnan(v) else ('Infinity' if v > 0 else '-Infinity')
    if isinstance(v, (list, tuple)): return [_enc(x) for x in v]
    if isinstance(v, dict): return {k: _enc(x) for k, x in v.items()}
    return v
data = _dec(json.loads(sys.stdin.read()))
def done(result): print(json.dumps(_enc(result)))
`;

const NON_FINITE: Record<string, number> = { Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, NaN: Number.NaN };

export function runPython<T>(script: string, data: unknown): T {
  const input = JSON.stringify(data, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
  const output = execFileSync(DEBIAN_PYTHON, ['-c', PRELUDE + script], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output, (_key, value: unknown) => (typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value)) as T;
}

/** |got − expected| / |expected|, or |got| when expected is 0. */
export function relativeError(got: number, expected: number): number {
  if (got === expected) return 0;
  return expected === 0 ? Math.abs(got) : Math.abs(got - expected) / Math.abs(expected);
}

/** The largest of errors(item) over the items, with the item where it occurs (for the failure message). */
export function worst<T>(items: readonly T[], error: (item: T) => number): { error: number; at: T | undefined } {
  let found: { error: number; at: T | undefined } = { error: 0, at: undefined };
  for (const item of items) {
    const e = error(item);
    if (!(e <= found.error)) found = { error: e, at: item };
  }
  return found;
}
