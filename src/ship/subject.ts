/**
 * Subjects: `runledger.<stream>.<project>.<run>`, one per run. A NATS subject token cannot hold
 * `.`, `*`, `>` or white space, and run ids may hold `.`. A token keeps A-Z a-z 0-9 `_` `-` as they
 * are and writes every other UTF-8 byte as `~` and two upper-case hex digits (`.` is `~2E`, `~`
 * itself `~7E`): reversible, and plain ids stay readable. Central replay never trusts the subject
 * for the run id (it reads the line's own `runId`); the subject only keeps runs apart.
 */
const PLAIN = /^[A-Za-z0-9_-]$/;

export function encodeSubjectToken(text: string): string {
  let out = '';
  for (const ch of text) {
    if (PLAIN.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeSubjectToken(token: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < token.length;) {
    if (token[i] === '~') {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new RangeError(`subject token ${JSON.stringify(token)}: bad escape at ${i}`);
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      bytes.push(token.charCodeAt(i));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export const DEFAULT_STREAM = 'RUNLEDGER';

/** The stream name as a subject token (names are checked by isValidStreamName; encoded all the same). */
function streamSubjectPrefix(stream: string): string {
  return `runledger.${encodeSubjectToken(stream)}`;
}

/** The one subject filter of the stream: every run's subject lies under it. */
export function streamSubjects(stream: string): string {
  return `${streamSubjectPrefix(stream)}.>`;
}

export function runSubject(stream: string, projectId: string, runId: string): string {
  return `${streamSubjectPrefix(stream)}.${encodeSubjectToken(projectId)}.${encodeSubjectToken(runId)}`;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** JetStream stream names must not hold `.`, `*`, `>`, path separators or white space; we keep to a safe alphabet. */
export function isValidStreamName(name: string): boolean {
  return STREAM_NAME.test(name);
}
