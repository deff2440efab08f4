/** `node dist/bench/otlp-run.js [--quick]`: only the OTLP ingest figure, for measuring OTLP ingest while working on it. */
import { printFiguresOf } from './figures-only.js';
import { measureOtlpFigures } from './otlp-figures.js';

await printFiguresOf(measureOtlpFigures);
