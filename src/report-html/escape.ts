/**
 * HTML escaping for every string that comes from the data (run ids, model names, tool names, error
 * messages, config values). Escapes the five characters that matter in text and in quoted
 * attribute values alike, so one function serves both.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export type AttrValue = string | number | boolean | null | undefined;

/**
 * ` name="value"` pairs, escaped. `false`, null and undefined leave the attribute out; `true` writes
 * it bare. Numbers are written with String(): the shortest text that reads back as the same number.
 */
export function attrs(values: Readonly<Record<string, AttrValue>>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === false || value === null || value === undefined) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

/** An element with escaped attributes around already-safe inner HTML. */
export function el(tag: string, attributes: Readonly<Record<string, AttrValue>>, innerHtml = ''): string {
  return `<${tag}${attrs(attributes)}>${innerHtml}</${tag}>`;
}
