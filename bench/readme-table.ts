/**
 * `npm run bench:table [file]`: the README's benchmark table, in Markdown, from a results file
 * (default bench/results.json), so that the README's figures are the measured ones, not retyped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatResultsMarkdown, type BenchResults } from './report.js';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');
const file = process.argv[2] ?? path.join(benchDir, 'results.json');
const results = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
process.stdout.write(`${formatResultsMarkdown(results)}\n`);
