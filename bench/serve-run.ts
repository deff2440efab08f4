/** `node dist/bench/serve-run.js [--quick]`: only the `runledger serve` figures, for measuring serve while working on it. */
import { printFiguresOf } from './figures-only.js';
import { measureServeFigures } from './serve-figures.js';

await printFiguresOf(measureServeFigures);
