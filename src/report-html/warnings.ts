import { el, escapeHtml } from './escape.js';

/** The visible flag of a group whose sample is too small to tell anything. */
export function sampleWarning(source: string, group: string, reason: string): string {
  return el(
    'span',
    { class: 'warning', 'data-warning': 'insufficient-sample', 'data-source': source, 'data-group': group },
    `⚠ insufficient sample: ${escapeHtml(reason)}`,
  );
}

export function badge(kind: string, text: string, extra: Readonly<Record<string, string>> = {}): string {
  return el('span', { class: `badge ${kind}`, ...extra }, escapeHtml(text));
}
