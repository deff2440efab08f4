export { renderHtmlReport, type HtmlReportInput } from './render-html-report.js';
export { writeHtmlReport, type WriteHtmlReportOptions } from './write-html-report.js';
