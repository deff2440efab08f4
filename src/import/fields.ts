import { ImportInputError } from '../errors.js';

/**
 * Reading a source's fields with the file (and line) named when one has the wrong type: each
 * importer checks what it maps, so bad input is refused before anything is written.
 */
export class FieldReader {
  constructor(
    readonly file: string,
    readonly line: number | null = null,
  ) {}

  object(value: unknown, what: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw this.wrong(what, value, 'a JSON object');
    return value as Record<string, unknown>;
  }

  string(record: Record<string, unknown>, key: string): string {
    const value = record[key];
    if (typeof value !== 'string' || value === '') throw this.wrong(key, value, 'a non-empty string');
    return value;
  }

  optionalString(record: Record<string, unknown>, key: string): string | null {
    const value = record[key];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') throw this.wrong(key, value, 'a string');
    return value;
  }

  /** A number ≥ 0, or null when absent. */
  optionalNumber(record: Record<string, unknown>, key: string): number | null {
    const value = record[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw this.wrong(key, value, 'a number >= 0');
    return value;
  }

  /** A whole count ≥ 0, or null when absent. */
  optionalCount(record: Record<string, unknown>, key: string): number | null {
    const value = this.optionalNumber(record, key);
    if (value !== null && !Number.isInteger(value)) throw this.wrong(key, value, 'a whole number >= 0');
    return value;
  }

  array(record: Record<string, unknown>, key: string): unknown[] {
    const value = record[key];
    if (!Array.isArray(value)) throw this.wrong(key, value, 'a JSON array');
    return value;
  }

  fail(problem: string): ImportInputError {
    return new ImportInputError(this.file, this.line, problem);
  }

  private wrong(key: string, value: unknown, expected: string): ImportInputError {
    const shown = value === undefined ? 'missing' : JSON.stringify(value)?.slice(0, 80);
    return this.fail(`"${key}" is ${shown}, expected ${expected}`);
  }
}

/** An issue id (A-Z a-z 0-9 . _ -, 1-128 characters) from a source's name for a task: other characters become "_". */
export function issueIdOf(name: string): string {
  const id = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
  return id === '' ? '_' : id;
}
