import type { ConfigGroup } from '../analysis/compare.js';
import { sampleWarning } from './warnings.js';

export const keysText = (keys: readonly string[]): string => keys.join(', ');

/** The group's warnings, under its name: an insufficient sample, unpriced runs left out of its costs. */
export function groupNote(source: string, label: string, g: ConfigGroup): string {
  const parts: string[] = [];
  if (g.insufficientSample) parts.push(sampleWarning(source, label, g.insufficientSample));
  if (g.unpricedRuns.length > 0)
    parts.push(
      `<span class="warning">${g.unpricedRuns.length} run${g.unpricedRuns.length === 1 ? '' : 's'} left out of cost figures (unpriced records)</span>`,
    );
  return parts.length === 0 ? '' : `<div class="notes-inline">${parts.join(' ')}</div>`;
}
