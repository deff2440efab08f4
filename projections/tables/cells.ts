/** What a column may yield before it becomes a CSV cell. */
export type CellValue = string | number | boolean | null | undefined;

/** A spreadsheet runs a text cell starting with one of these as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell, the same way everywhere:
 * - unknown (null or undefined) is empty, never "unknown", "NaN" or 0;
 * - numbers are written without float noise (12 significant digits: 0.1 + 0.2 is "0.3");
 * - text that a spreadsheet would run as a formula gets a leading apostrophe, which Excel and
 *   LibreOffice show as text and never evaluate.
 */
export function toCell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  }
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Milliseconds as seconds, the unit of the tables' duration columns. */
export const seconds = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : ms / 1000);
