export { FolderMetrics, DEFAULT_MAX_LABEL_VALUES } from './folder-metrics.js';
export { renderExposition, PROMETHEUS_CONTENT_TYPE } from './exposition.js';
export { MetricsRefresher, type MetricsRefresherOptions } from './refresher.js';
export { metricFamilies, type MetricFamily } from './families.js';
