import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { ServeConfigError, UnauthorizedError } from '../errors.js';
import { TOKEN_ENV } from './defaults.js';

export { TOKEN_ENV };
/** Shorter tokens are refused: a bearer token is the only lock on the door once bound beyond loopback. */
const MIN_TOKEN_LENGTH = 16;

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

/**
 * The bearer token: `--token-file` wins over RUNLEDGER_SERVE_TOKEN; the file's content is trimmed
 * (a final newline is not part of the token). null when neither is given.
 */
export function readToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  let token: string;
  let source: string;
  if (tokenFile !== undefined) {
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      throw new ServeConfigError(`Cannot read the token file ${tokenFile}: ${(error as Error).message}.`);
    }
    source = `the token file ${tokenFile}`;
  } else if (env[TOKEN_ENV] !== undefined && env[TOKEN_ENV] !== '') {
    token = env[TOKEN_ENV].trim();
    source = TOKEN_ENV;
  } else {
    return null;
  }
  return checkedToken(token, source);
}

/** A token as given: at least MIN_TOKEN_LENGTH characters, no whitespace. */
export function checkedToken(token: string, source = 'the token option'): string {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new ServeConfigError(
      `The token in ${source} must be at least ${MIN_TOKEN_LENGTH} characters without spaces (it has ${token.length}); generate one with: openssl rand -hex 32`,
    );
  }
  return token;
}

/** Refuses to serve beyond loopback without a token: anyone who can reach the port could write runs. */
export function assertBindable(host: string, token: string | null): void {
  if (token === null && !isLoopbackHost(host)) {
    throw new ServeConfigError(
      `Refusing to listen on ${host} without a bearer token: anyone who can reach it could write runs. ` +
        `Give one with --token-file <file> or ${TOKEN_ENV}, or listen on 127.0.0.1 (the default).`,
    );
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks an Authorization header against the token in constant time: both sides are hashed first,
 * so neither the token's length nor its first differing byte shows in the timing.
 */
export function makeTokenCheck(token: string): (authorization: string | undefined) => void {
  const expected = digest(token);
  return (authorization) => {
    if (authorization === undefined) throw new UnauthorizedError('No Authorization header');
    const match = /^Bearer (.+)$/i.exec(authorization);
    if (!match) throw new UnauthorizedError('The Authorization header is not "Bearer <token>"');
    if (!timingSafeEqual(digest(match[1]!), expected)) throw new UnauthorizedError('Wrong bearer token');
  };
}
