import type { JsonValue } from '../../../events/config.js';
import { IssueId } from '../../../events/fields.js';
import { isValidRunId } from '../../journal/paths.js';
import { GENAI, numberAttribute, stringAttribute } from './genai-attributes.js';
import { attributeOf, type AttributeValue, type OtlpSpan } from './otlp-span.js';

/** Which spans make a run and which attribute names an issue (`runledger serve --run-attribute`, `--issue-attribute`). */
export interface OtlpAttribution {
  /** null: one run per trace, named by its trace id. */
  readonly runAttribute: string | null;
  readonly issueAttribute: string;
}

export const DEFAULT_ISSUE_ATTRIBUTE = 'runledger.issue_id';
export const PROJECT_ATTRIBUTE = 'runledger.project_id';
const CONFIG_PREFIX = 'runledger.config.';

/** The run id a span belongs to, or why it has none. */
export function runIdOfSpan(span: OtlpSpan, attribution: OtlpAttribution): { runId: string } | { problem: string } {
  if (attribution.runAttribute === null) return { runId: span.traceId };
  const value = attributeOf(span, attribution.runAttribute);
  if (value === undefined || value === null) return { problem: `no ${attribution.runAttribute} attribute on the span or its resource` };
  const runId = String(value);
  if (!isValidRunId(runId))
    return { problem: `${attribution.runAttribute} = ${JSON.stringify(runId)} is not a run id (1-128 characters of A-Z a-z 0-9 . _ -)` };
  return { runId };
}

export const ISSUE_ID_RULE = 'an issue id: an integer >= 0 or 1-128 characters of A-Z a-z 0-9 . _ -';

export function issueIdOfSpan(span: OtlpSpan, attribution: OtlpAttribution): { issueId: IssueId | null } | { invalid: AttributeValue } {
  const value = attributeOf(span, attribution.issueAttribute);
  if (value === undefined || value === null) return { issueId: null };
  const parsed = IssueId.safeParse(value);
  return parsed.success ? { issueId: parsed.data } : { invalid: value };
}

export function projectIdOf(span: OtlpSpan): string {
  return stringAttribute(span, [PROJECT_ATTRIBUTE, 'service.name']) ?? 'otlp';
}

function setPath(target: Record<string, JsonValue>, path: readonly string[], value: JsonValue): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, JsonValue>;
  }
  if (!(path.at(-1)! in node)) node[path.at(-1)!] = value;
}

function configAttributes(attributes: ReadonlyMap<string, AttributeValue>, config: Record<string, JsonValue>): void {
  for (const [name, value] of attributes) {
    if (name.startsWith(CONFIG_PREFIX) && name.length > CONFIG_PREFIX.length)
      setPath(config, name.slice(CONFIG_PREFIX.length).split('.'), value as JsonValue);
  }
}

/**
 * A run's SystemConfig from its first spans (in start order): runledger.config.* attributes of the
 * spans and their resource (the first value of each wins), and where those leave them out, the
 * model, provider and temperature of the first span that names a model. null when no span names a model.
 */
export function configOf(spans: readonly OtlpSpan[]): Record<string, JsonValue> | null {
  const config: Record<string, JsonValue> = {};
  for (const span of spans) {
    configAttributes(span.attributes, config);
    configAttributes(span.resource, config);
  }
  const modelSpan = spans.find((s) => stringAttribute(s, GENAI.requestModel) ?? stringAttribute(s, GENAI.responseModel));
  const llm = (config.llm !== null && typeof config.llm === 'object' && !Array.isArray(config.llm) ? config.llm : {}) as Record<
    string,
    JsonValue
  >;
  if (modelSpan) {
    setPath(llm, ['model'], (stringAttribute(modelSpan, GENAI.requestModel) ?? stringAttribute(modelSpan, GENAI.responseModel))!);
    const provider = stringAttribute(modelSpan, GENAI.provider);
    if (provider !== undefined) setPath(llm, ['provider'], provider);
    const temperature = numberAttribute(modelSpan, GENAI.temperature);
    if (temperature !== undefined) setPath(llm, ['temperature'], temperature);
  }
  if (llm.model === undefined) return null;
  config.llm = llm;
  return config;
}
