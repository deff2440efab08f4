import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PriceFileError } from '../errors.js';
import { sha256Hex } from '../journal/line.js';

const PerMillion = z.number().min(0).max(1_000_000);

/** USD per million tokens. Cache prices default to the input price when absent. */
export const OverridePrice = z.strictObject({
  input: PerMillion,
  output: PerMillion,
  cacheRead: PerMillion.optional(),
  cacheWrite: PerMillion.optional(),
});
export type OverridePrice = z.infer<typeof OverridePrice>;

export const OverrideFileSchema = z.strictObject({
  /** Keys are `model` or `provider:model`; `provider:model` wins when both match. */
  models: z.record(z.string().min(1).max(256), OverridePrice),
});

export interface OverrideTable {
  readonly file: string;
  readonly sha256: string;
  readonly models: ReadonlyMap<string, OverridePrice>;
}

export function loadOverrideFile(file: string): OverrideTable {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new PriceFileError(
      absolute,
      `cannot be read (${(error as Error).message}). Set RUNLEDGER_PRICES or the prices option to an existing JSON file, or unset it.`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PriceFileError(absolute, `is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  const parsed = OverrideFileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PriceFileError(
      absolute,
      `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}. Expected {"models": {"<model or provider:model>": {"input": USD per 1M, "output": USD per 1M, "cacheRead"?: …, "cacheWrite"?: …}}}.`,
    );
  }
  return { file: absolute, sha256: sha256Hex(text), models: new Map(Object.entries(parsed.data.models)) };
}
