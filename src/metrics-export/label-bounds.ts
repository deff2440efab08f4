/** The label value every value beyond the bound is counted under. */
export const OTHER_LABEL = 'other';

/**
 * A bounded set of label values (models, tools, agent types): at most `limit` values get their
 * own series, the rest are summed under `other`, so that a folder with thousands of tool names
 * cannot make Prometheus store thousands of series. Values once admitted stay admitted for the
 * life of the process: a value that moved back into `other` would make `other` jump and its own
 * series stop.
 */
export interface LabelBounds {
  readonly limit: number;
  readonly admitted: ReadonlySet<string>;
}

export function emptyLabelBounds(limit: number): LabelBounds {
  return { limit, admitted: new Set() };
}

/**
 * Admits values not admitted yet, by volume (most first, then by name) while there is room.
 * The first call, on the folder as it is at start, so picks the top `limit` values by volume.
 * Returns `bounds` itself when nothing changes.
 */
export function admitLabels(bounds: LabelBounds, volumes: ReadonlyMap<string, number>): LabelBounds {
  const room = bounds.limit - bounds.admitted.size;
  if (room <= 0) return bounds;
  const candidates = [...volumes.entries()]
    .filter(([value]) => !bounds.admitted.has(value))
    .sort(([a, va], [b, vb]) => vb - va || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, room);
  if (candidates.length === 0) return bounds;
  return { limit: bounds.limit, admitted: new Set([...bounds.admitted, ...candidates.map(([value]) => value)]) };
}

export function boundedLabel(bounds: LabelBounds, value: string): string {
  return bounds.admitted.has(value) ? value : OTHER_LABEL;
}
