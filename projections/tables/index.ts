export { toCell, seconds, type CellValue } from './cells.js';
export { headerOf, rowsOf, type Column, type Table } from './csv-table.js';
export * from './tables.js';
export { repricedCostsTable, type RepricedRun } from './repriced-costs.js';
