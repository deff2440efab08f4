import fc from 'fast-check';

/**
 * Generators of hostile input for the collector API (part 6 of the torture suite): strings of
 * every kind (lone surrogates, control characters, formula starts, 10 MB), numbers of every kind
 * (NaN, ±Infinity, -0, huge, negative, fractional, bigint), and anything at all (class instances,
 * null-prototype objects, `__proto__` keys, deep nesting, cycles).
 */

/** 10 MB strings, made once. */
const HUGE_ASCII = 'a'.repeat(10 * 1024 * 1024);
const HUGE_UNICODE = '€ü😀'.repeat((10 * 1024 * 1024) / 8);

/** Cells that a spreadsheet would run as a formula (OWASP "CSV injection"). */
export const FORMULAS = [
  '=1+1',
  '+1+1',
  '-1+1',
  '@SUM(1,1)',
  '\t=1+1',
  '\r=1+1',
  '=HYPERLINK("http://example.invalid","x")',
  "=cmd|' /C calc'!A0",
  '=1+1\r\n=2+2',
] as const;

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const oddChar = fc.constantFrom(
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u0000',
  '\u007f',
  '"',
  '\\',
  '\n',
  '\r\n',
  ',',
  ';',
  "'",
  '`',
  '}',
  '{"v":1}',
);

/** Free text of every kind (titles, messages, reasons). */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, controlChar, oddChar, fc.string({ maxLength: 3 })), maxLength: 20 }) },
  { weight: 2, arbitrary: fc.constantFrom(...FORMULAS) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FORMULAS), fc.string({ maxLength: 20 })).map(([f, s]) => f + s) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      HUGE_ASCII,
      HUGE_UNICODE,
      'x'.repeat(16_384),
      'x'.repeat(16_385),
      `${'y'.repeat(16_383)}😀`,
      '',
      ' ',
      '__proto__',
      'constructor',
    ),
  },
);

/** Identifiers (tool names, agent types, models, ids): mostly plausible, some hostile. */
export const hostileIdentifier: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('coding', 'testing', 'run_tests', 'create_branch', 'deepseek-chat', 'gpt-4o', 'p1', 'abc123') },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom(...FORMULAS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 't'.repeat(256), 't'.repeat(257), HUGE_ASCII, '__proto__', '../../etc/passwd', '\u0000', 'unknown'),
  },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, controlChar, oddChar), minLength: 1, maxLength: 10 }) },
);

/** Numbers of every kind, and things that are not numbers. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 100_000 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      -1,
      1.5,
      1e12,
      1e12 + 1,
      1e13,
      1e300,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      100,
      101,
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.bigInt(), fc.string({ maxLength: 5 }), fc.constant(null), fc.constant(undefined), fc.boolean()) },
);

/** Anything at all, including values JSON cannot hold and objects that refuse to become strings. */
export const hostileAnything: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withBoxedValues: true,
    }),
  },
  { weight: 2, arbitrary: hostileText },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<() => unknown>(
        () => new Error('plain error with "quotes" and\nnewlines'),
        () => new TypeError(`type error ${HUGE_ASCII.slice(0, 20_000)}`),
        () => Object.assign(new Error('with a cause'), { cause: new Error('inner') }),
        () => {
          const cyclic: Record<string, unknown> = { a: 1 };
          cyclic.self = cyclic;
          return cyclic;
        },
        () => Object.create(null),
        () => ({
          toString: () => {
            throw new Error('toString throws');
          },
        }),
        () => Symbol('sym'),
        () => () => 'a function',
        () => 10n ** 30n,
        () => nest(200),
      )
      .map((make) => make()),
  },
);

/** An object nested `depth` levels deep. */
export function nest(depth: number, leaf: unknown = 'leaf'): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { k: value };
  return value;
}

/** Issue ids: plausible integers and strings, and ones that must be refused. */
export const hostileIssueId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.nat({ max: 4 }) },
  { weight: 2, arbitrary: fc.constantFrom('ISSUE-1', 'a.b_c-d', 'x'.repeat(128)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1, 1.5, Number.NaN, '', '../../etc', 'a/b', '..', 'x'.repeat(129), '__proto__', null, true, {}),
  },
);

// ---- secrets -------------------------------------------------------------------------------------

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const body = (alphabet: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((chars) => chars.join(''));

/**
 * A credential in one of the formats README promises to redact, with the part that must never
 * reach the journal. Shapes follow the providers' documented formats.
 */
const secret: fc.Arbitrary<{ text: string; hidden: string }> = fc.oneof(
  fc.tuple(fc.constantFrom('sk-', 'sk-proj-', 'sk-ant-'), body(`${alnum}_-`, 20, 60)).map(([p, b]) => ({ text: p + b, hidden: b })),
  fc.tuple(fc.constantFrom('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'), body(alnum, 36, 36)).map(([p, b]) => ({ text: p + b, hidden: b })),
  body(`${alnum}_`, 60, 82).map((b) => ({ text: `github_pat_${b}`, hidden: b })),
  body('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16).map((b) => ({ text: `AKIA${b}`, hidden: b })),
  fc.tuple(fc.constantFrom('xoxb-', 'xoxp-', 'xoxa-'), body(`${alnum}-`, 20, 50)).map(([p, b]) => ({ text: p + b, hidden: b })),
  body(`${alnum}_-`, 35, 35).map((b) => ({ text: `AIza${b}`, hidden: b })),
  body(`${alnum}._~+/-`, 20, 60).map((b) => ({ text: `Bearer ${b}`, hidden: b })),
  fc
    .tuple(fc.constantFrom('password=', 'api_key: ', 'secret=', 'access_token=', 'passwd='), body(alnum, 12, 30))
    .map(([p, b]) => ({ text: p + b, hidden: b })),
);

/** Free text with a credential inside, as it shows up in error messages, stack traces, URLs, headers. */
export const textWithSecret: fc.Arbitrary<{ text: string; hidden: string }> = fc
  .tuple(
    secret,
    fc.constantFrom(
      (s: string) => `request failed: ${s}`,
      (s: string) => `Authorization header was "${s}"`,
      (s: string) => `GET https://api.example.invalid/v1?key=${s}&x=1`,
      (s: string) => `env: OPENAI_API_KEY=${s}\nHOME=/root`,
      (s: string) => `{"error":{"token":"${s}"}}`,
      (s: string) => `Error: 401\n    at call (${s})\n    at main`,
      (s: string) => `${s}`,
      (s: string) => `${s} was rejected`,
    ),
    fc.string({ maxLength: 20 }),
  )
  .map(([s, wrap, extra]) => ({ text: `${extra} ${wrap(s.text)}`, hidden: s.hidden }));
