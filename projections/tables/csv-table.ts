import { toCell, type CellValue } from './cells.js';

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => CellValue;
}

/** One of the seven CSV tables: its file name under logs/csv/ and its columns. */
export interface Table<T> {
  readonly file: string;
  readonly columns: readonly Column<T>[];
}

export function headerOf<T>(table: Table<T>): string[] {
  return table.columns.map((c) => c.header);
}

export function rowsOf<T>(table: Table<T>, rows: readonly T[]): string[][] {
  return rows.map((row) => table.columns.map((c) => toCell(c.value(row))));
}
