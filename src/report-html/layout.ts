import { escapeHtml } from './escape.js';
import { STYLES } from './styles.js';

export interface PageParts {
  readonly title: string;
  /** Header lines under the title (safe HTML). */
  readonly subtitle: string;
  readonly meta: string;
  readonly nav: ReadonlyArray<{ readonly id: string; readonly label: string }>;
  readonly body: string;
  readonly footer: string;
}

/**
 * The whole document. The Content-Security-Policy forbids every fetch (scripts, styles from files,
 * images, fonts, connections): the page is one file and stays one file. The empty data: icon keeps
 * the browser from asking for /favicon.ico.
 */
export function page(parts: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="runledger">
<link rel="icon" href="data:,">
<title>${escapeHtml(parts.title)}</title>
<style>${STYLES}</style>
</head>
<body>
<div class="page">
<header class="top">
<div><h1>${escapeHtml(parts.title)}</h1><p class="subtitle">${parts.subtitle}</p></div>
<div class="meta">${parts.meta}</div>
</header>
<nav class="toc" aria-label="Sections">${parts.nav.map((n) => `<a href="#${escapeHtml(n.id)}">${escapeHtml(n.label)}</a>`).join('')}</nav>
<main>
${parts.body}
</main>
<footer>${parts.footer}</footer>
</div>
</body>
</html>
`;
}
