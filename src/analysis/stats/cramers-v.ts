/**
 * Cramér's V of two categorical variables observed together (H. Cramér, "Mathematical Methods of
 * Statistics", 1946, §21.9): √(χ² / (n · (min(rows, columns) − 1))), 0 when they are independent in
 * the sample, 1 when one determines the other. 0 when either takes a single value.
 */
export function cramersV(a: readonly string[], b: readonly string[]): number {
  const n = a.length;
  const rows = new Map<string, number>();
  const columns = new Map<string, number>();
  const cells = new Map<string, number>();
  for (let i = 0; i < n; i += 1) {
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    columns.set(b[i]!, (columns.get(b[i]!) ?? 0) + 1);
    const cell = `${a[i]}\u0000${b[i]}`;
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
  }
  const smaller = Math.min(rows.size, columns.size);
  if (n === 0 || smaller < 2) return 0;
  let chiSquare = 0;
  for (const [row, rowCount] of rows) {
    for (const [column, columnCount] of columns) {
      const expected = (rowCount * columnCount) / n;
      const observed = cells.get(`${row}\u0000${column}`) ?? 0;
      chiSquare += ((observed - expected) * (observed - expected)) / expected;
    }
  }
  return Math.sqrt(chiSquare / (n * (smaller - 1)));
}
