/** `runledger/analysis`: comparisons of configurations with their intervals and tests, the text, Markdown and HTML reports. */
export * from '../analysis/index.js';
export { bestSection, costSection, influenceSection, trendSection, type Section } from '../analysis/render/sections.js';
export * from '../report-html/index.js';
export { suggestSection } from '../analysis/render/suggest-section.js';
