import type { z } from 'zod';

/**
 * A fast yes for event data that its zod schema surely accepts, compiled from the schema itself
 * (never a second copy of it). Replay checks every line of a journal and the collector every call;
 * zod's general machinery costs several µs an event, these closures a fraction of one.
 *
 * The one rule: `accept(value) === true` only if `schema.safeParse(value).success`. `false`
 * means "not sure": the caller asks zod, which gives the verdict and the error message. A schema
 * built from anything the compiler does not know (lazy, custom refinements, records, pipes,
 * transforms, coercion, unknown checks) compiles to null, and zod checks all of it.
 */
export type Acceptor = (value: unknown) => boolean;

interface Def {
  readonly type: string;
  readonly checks?: ReadonlyArray<{ readonly _zod: { readonly def: CheckDef } }>;
  readonly [key: string]: unknown;
}

interface CheckDef {
  readonly check: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly pattern?: RegExp;
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Refinements known to be pure predicates of their input (`.refine(fn)` with one of these may compile). */
const trustedRefinements = new WeakSet<(value: never) => unknown>();

/** Marks a refinement as a pure predicate, so that schemas refined with it still compile. Returns it. */
export function pureRefinement<T>(predicate: (value: T) => boolean): (value: T) => boolean {
  trustedRefinements.add(predicate);
  return predicate;
}
// Present means own and enumerable: what Object.keys counts and JSON.stringify writes. A
// non-enumerable field would pass the check here and then be missing from the journal line.
const isPresent = (o: object, key: string): boolean => Object.prototype.propertyIsEnumerable.call(o, key);

export function compileAcceptor(schema: z.ZodType): Acceptor | null {
  return compile(defOf(schema));
}

// eslint-disable-next-line complexity -- one case per zod schema kind: the whole table of what the fast path accepts
function compile(def: Def): Acceptor | null {
  switch (def.type) {
    case 'string':
      return def.coerce ? null : withChecks(def, (v) => typeof v === 'string', stringCheck);
    case 'number': {
      if (def.coerce) return null;
      const base: Acceptor | null =
        def.format === undefined || def.format === null
          ? (v) => typeof v === 'number' && Number.isFinite(v)
          : def.format === 'safeint'
            ? (v) => typeof v === 'number' && Number.isSafeInteger(v)
            : null;
      return base && withChecks(def, base, numberCheck);
    }
    case 'boolean':
      return def.coerce || (def.checks?.length ?? 0) > 0 ? null : (v) => typeof v === 'boolean';
    case 'literal': {
      const values = def.values as readonly unknown[];
      if ((def.checks?.length ?? 0) > 0) return null;
      const only = values[0];
      // `includes` is SameValueZero: for one value other than NaN that is ===.
      return values.length === 1 && !Number.isNaN(only) ? (v) => v === only : (v) => values.includes(v);
    }
    case 'enum': {
      const values = Object.values(def.entries as Record<string, unknown>);
      return (def.checks?.length ?? 0) > 0 ? null : (v) => values.includes(v);
    }
    case 'nullable': {
      const inner = compile(defOf(def.innerType));
      return inner && ((v) => v === null || inner(v));
    }
    case 'optional': {
      const inner = compile(defOf(def.innerType));
      return inner && ((v) => v === undefined || inner(v));
    }
    case 'union': {
      if ((def.checks?.length ?? 0) > 0) return null;
      const options = (def.options as unknown[]).map((o) => compile(defOf(o)));
      if (options.some((o) => o === null)) return null;
      const acceptors = options as Acceptor[];
      return byDiscriminator(def, acceptors) ?? ((v) => anyAccepts(acceptors, v));
    }
    case 'array': {
      const element = compile(defOf(def.element));
      // By index, not every(): every() skips the holes of a sparse array, which JSON.stringify writes as null.
      return element && withChecks(def, (v) => Array.isArray(v) && everyIndex(v, element), arrayCheck);
    }
    case 'null':
      return (v) => v === null;
    case 'lazy': {
      // Compiled on first use, which lets a recursive schema (JSON values) refer to itself.
      const getter = def.getter as () => unknown;
      let compiled: Acceptor | null | undefined;
      return (v) => {
        if (compiled === undefined) compiled = compile(defOf(getter()));
        return compiled !== null && compiled(v);
      };
    }
    case 'record': {
      const key = defOf(def.keyType);
      const value = compile(defOf(def.valueType));
      if (!value || key.type !== 'string' || key.coerce || (key.checks?.length ?? 0) > 0 || (def.checks?.length ?? 0) > 0) return null;
      return (v) => isPlainData(v) && Object.keys(v).every((k) => k !== '__proto__' && value(v[k]));
    }
    case 'object':
      return compileObject(def);
    default:
      return null;
  }
}

/** A plain object as JSON.parse or a literal makes it: anything else (class instances, symbols) goes to zod. */
function isPlainData(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && Object.getOwnPropertySymbols(v).length === 0;
}

/**
 * Strict objects (unknown keys refused) and objects whose other keys must match a catchall schema;
 * an object that strips or passes unknown keys unchecked, or has object-level refinements, goes to zod.
 */
function compileObject(def: Def): Acceptor | null {
  if ((def.checks?.length ?? 0) > 0 || !def.catchall) return null;
  const catchallDef = defOf(def.catchall);
  const catchall = catchallDef.type === 'never' ? null : compile(catchallDef);
  if (catchallDef.type !== 'never' && !catchall) return null;
  const shape = def.shape as Record<string, unknown>;
  const fields: Array<{ key: string; accept: Acceptor; optional: boolean }> = [];
  for (const [key, fieldSchema] of Object.entries(shape)) {
    const fieldDef = defOf(fieldSchema);
    const accept = compile(fieldDef);
    if (!accept) return null;
    fields.push({ key, accept, optional: fieldDef.type === 'optional' });
  }
  const known = new Set(fields.map((f) => f.key));
  return (v) => {
    if (!isPlainData(v)) return false;
    let present = 0;
    for (const field of fields) {
      if (isPresent(v, field.key)) {
        present += 1;
        if (!field.accept(v[field.key])) return false;
      } else if (!field.optional) {
        return false;
      }
    }
    const keys = Object.keys(v);
    if (keys.length === present) return true;
    // Other keys: refused by a strict object, checked by the catchall otherwise.
    return catchall !== null && keys.every((key) => known.has(key) || (key !== '__proto__' && catchall(v[key])));
  };
}

type CheckCompiler = (check: CheckDef) => Acceptor | null;

function withChecks(def: Def, base: Acceptor, compileCheck: CheckCompiler): Acceptor | null {
  const checks: Acceptor[] = [];
  for (const check of def.checks ?? []) {
    const compiled = compileCheck(check._zod.def);
    if (!compiled) return null;
    checks.push(compiled);
  }
  // Most fields have one or two checks (a string's length bounds, a number's range): no loop for those.
  const [first, second] = checks;
  if (checks.length === 0) return base;
  if (checks.length === 1) return (v) => base(v) && first!(v);
  if (checks.length === 2) return (v) => base(v) && first!(v) && second!(v);
  return (v) => base(v) && checks.every((check) => check(v));
}

function anyAccepts(acceptors: readonly Acceptor[], v: unknown): boolean {
  for (const accept of acceptors) if (accept(v)) return true;
  return false;
}

/**
 * A discriminated union whose every option is an object with a required literal discriminator:
 * only the options whose literal is the value's discriminator can accept it, so only those are asked.
 */
function byDiscriminator(def: Def, acceptors: readonly Acceptor[]): Acceptor | null {
  const key = def.discriminator;
  if (typeof key !== 'string') return null;
  const byValue = new Map<unknown, Acceptor[]>();
  const options = def.options as unknown[];
  for (let i = 0; i < options.length; i += 1) {
    const option = defOf(options[i]);
    if (option.type !== 'object') return null;
    const field = (option.shape as Record<string, unknown>)[key];
    if (field === undefined) return null;
    const literal = defOf(field);
    if (literal.type !== 'literal') return null;
    for (const value of literal.values as readonly unknown[]) {
      const list = byValue.get(value) ?? [];
      list.push(acceptors[i]!);
      byValue.set(value, list);
    }
  }
  return (v) => {
    if (v === null || typeof v !== 'object') return false;
    const candidates = byValue.get((v as Record<string, unknown>)[key]);
    return candidates !== undefined && anyAccepts(candidates, v);
  };
}

function stringCheck(check: CheckDef): Acceptor | null {
  switch (check.check) {
    case 'min_length':
      return (v) => (v as string).length >= check.minimum!;
    case 'max_length':
      return (v) => (v as string).length <= check.maximum!;
    case 'custom': {
      const fn = (check as unknown as { fn?: (value: never) => unknown }).fn;
      if (!fn || !trustedRefinements.has(fn)) return null;
      return (v) => fn(v as never) === true;
    }
    case 'string_format': {
      if (check.format !== 'regex' || !(check.pattern instanceof RegExp)) return null;
      const pattern = new RegExp(check.pattern.source, check.pattern.flags.replace(/[gy]/g, ''));
      return (v) => pattern.test(v as string);
    }
    default:
      return null;
  }
}

function numberCheck(check: CheckDef): Acceptor | null {
  const bound = check.value;
  if (typeof bound !== 'number') return null;
  switch (check.check) {
    case 'greater_than':
      return check.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
    case 'less_than':
      return check.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
    default:
      return null;
  }
}

function everyIndex(values: readonly unknown[], element: Acceptor): boolean {
  for (let i = 0; i < values.length; i += 1) if (!element(values[i])) return false;
  return true;
}

function arrayCheck(check: CheckDef): Acceptor | null {
  switch (check.check) {
    case 'min_length':
      return (v) => (v as unknown[]).length >= check.minimum!;
    case 'max_length':
      return (v) => (v as unknown[]).length <= check.maximum!;
    default:
      return null;
  }
}
