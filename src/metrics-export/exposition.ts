import type * as PromClientModule from 'prom-client';
import type { Counter, Gauge, Histogram, MetricObjectWithValues, MetricType, MetricValueWithName } from 'prom-client';
import type { HistogramFamily, MetricFamily, ValueFamily } from './families.js';

/** Prometheus's text exposition format, version 0.0.4, as prom-client writes it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type PromClient = typeof PromClientModule;
type Precomputed = MetricObjectWithValues<MetricValueWithName<string>>;

/**
 * The families in Prometheus's text format, written by prom-client (loaded here, on the first
 * scrape: nothing else of runledger needs it). The values are the folder's totals, already
 * computed: each metric answers them from `get()` rather than being incremented sample by sample.
 */
export async function renderExposition(families: readonly MetricFamily[]): Promise<string> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  for (const family of families)
    registry.registerMetric(family.kind === 'histogram' ? histogramOf(client, family) : valueMetricOf(client, family));
  return registry.metrics();
}

function valueMetricOf(client: PromClient, family: ValueFamily): Counter | Gauge {
  const config = { name: family.name, help: family.help, labelNames: [...family.labelNames], registers: [] };
  const metric = family.kind === 'counter' ? new client.Counter(config) : new client.Gauge(config);
  const values = family.samples.map((s) => ({ labels: { ...s.labels }, value: s.value }));
  return answering(metric, { name: family.name, help: family.help, type: metricType(family.kind), aggregator: 'sum', values });
}

function histogramOf(client: PromClient, family: HistogramFamily): Histogram {
  const metric = new client.Histogram({
    name: family.name,
    help: family.help,
    labelNames: [...family.labelNames],
    buckets: [...family.bounds],
    registers: [],
  });
  const values: MetricValueWithName<string>[] = [];
  for (const series of family.series) {
    let cumulative = 0;
    family.bounds.forEach((bound, i) => {
      cumulative += series.counts[i]!;
      values.push({ metricName: `${family.name}_bucket`, labels: { ...series.labels, le: bound }, value: cumulative });
    });
    values.push({ metricName: `${family.name}_bucket`, labels: { ...series.labels, le: '+Inf' }, value: series.count });
    values.push({ metricName: `${family.name}_sum`, labels: { ...series.labels }, value: series.sumSeconds });
    values.push({ metricName: `${family.name}_count`, labels: { ...series.labels }, value: series.count });
  }
  return answering(metric, { name: family.name, help: family.help, type: metricType('histogram'), aggregator: 'sum', values });
}

/** prom-client declares its metric types as an enum it does not export at run time: the strings are what it writes. */
const metricType = (kind: MetricFamily['kind']): MetricType => kind as unknown as MetricType;

/** The metric, answering `get()` (what the registry asks when it writes the exposition) with the values given. */
function answering<M extends Counter | Gauge | Histogram>(metric: M, values: Omit<Precomputed, 'collect'>): M {
  const answer = { ...values, collect: () => undefined };
  metric.get = () => Promise.resolve(answer as Awaited<ReturnType<M['get']>>);
  // prom-client's registry asks a histogram through getForPromString (undeclared in its types) when it has one.
  const forPromString = metric as unknown as { getForPromString?: () => Promise<unknown> };
  if (typeof forPromString.getForPromString === 'function') forPromString.getForPromString = () => Promise.resolve(answer);
  return metric;
}
