/** Documented in README "CLI". */
export const EXIT_OK = 0;
/** Findings: corruption, a failed check. */
export const EXIT_FINDINGS = 1;
/** Usage or input error: bad arguments, unknown run, unreadable dir. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}
