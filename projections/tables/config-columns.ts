import type { SystemConfig } from '../../events/config.js';
import type { Column } from './csv-table.js';

/** The configuration columns runs.csv and issues.csv share: what comparisons group by. */
export function configColumns<T>(configOf: (row: T) => SystemConfig): Column<T>[] {
  return [
    { header: 'llm_provider', value: (r) => configOf(r).llm.provider },
    { header: 'llm_model', value: (r) => configOf(r).llm.model },
    { header: 'llm_temperature', value: (r) => configOf(r).llm.temperature },
    { header: 'max_retries', value: (r) => configOf(r).maxRetries },
    { header: 'min_coverage_percent', value: (r) => configOf(r).minCoveragePercent },
    { header: 'config_json', value: (r) => JSON.stringify(configOf(r)) },
  ];
}
