// Turns zod's findings on a stack config into sentences a person can act on: the file, the fully
// qualified key (nested keys included), the value found and what is expected. Generic over the
// schema, so a key added to config.ts gets the same treatment without code here.
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";

/** One problem in the stack file: `key` is qualified and may be nested (`ns:tierLimits.pro.image`). */
export interface ConfigProblem {
  key: string;
  message: string;
}

/** `ns:key` plus a zod path tail: `.field` for names, `[0]` for indexes. */
export function joinKey(key: string, rest: readonly PropertyKey[]): string {
  return rest.reduce<string>(
    (out, part) => (typeof part === "number" ? `${out}[${part}]` : `${out}.${String(part)}`),
    key,
  );
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const folded = candidates.find((c) => c.toLowerCase() === word.toLowerCase());
  if (folded) return folded;
  const best = closest(word, [...candidates]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const hint = suggest(word, candidates);
  return hint === undefined ? "" : ` — did you mean ${hint}?`;
}

/** A value as the person wrote it, with its kind when that is the problem. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return `"${value}" (text)`;
  const json = JSON.stringify(value) ?? String(value);
  const short = json.length > 60 ? `${json.slice(0, 57)}...` : json;
  if (Array.isArray(value)) return `${short} (a list)`;
  if (typeof value === "object" && value !== null) return `${short} (an object)`;
  return short;
}

const KINDS: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "text",
  boolean: "true or false",
  array: "a list",
  object: "an object (key: value pairs)",
};

function plural(n: number | bigint, one: string): string {
  return `${n} ${one}${n === 1 || n === 1n ? "" : "s"}`;
}

/** zod's default wording replaced by plain words. Messages written in the schema take precedence. */
export function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${KINDS[issue.expected] ?? issue.expected}`;
    case "too_small": {
      const min = issue.minimum as number;
      if (issue.origin === "array") return `must list at least ${plural(min, "item")}`;
      if (issue.origin === "string") return min <= 1 ? "must not be empty" : `must be at least ${min} characters`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case "too_big": {
      const max = issue.maximum as number;
      if (issue.origin === "array") return `must list at most ${plural(max, "item")}`;
      if (issue.origin === "string") return `must be at most ${max} characters`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case "invalid_value": {
      const values = issue.values.map(String);
      const hint = typeof issue.input === "string" ? didYouMean(issue.input, values) : "";
      return `must be one of ${values.join(", ")}${hint}`;
    }
    case "invalid_format":
      return issue.format === "regex"
        ? `must match ${String((issue as { pattern?: unknown }).pattern)}`
        : `must be a valid ${issue.format}`;
    default:
      return undefined;
  }
}

// --- unknown keys ---------------------------------------------------------------------------------

type AnySchema = z.core.$ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  innerType?: AnySchema;
  in?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
}
const defOf = (schema: AnySchema) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Looks through wrappers (optional, default, pipes) to the schema that shapes the value. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else return current;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Keys the schema does not know, at any depth, with the nearest known key. zod strips unknown keys
 * from plain objects silently; a misspelt optional key would otherwise be ignored without a word.
 */
export function unknownKeys(schema: AnySchema, value: unknown, path: PropertyKey[] = []): UnknownKey[] {
  const def = defOf(unwrap(schema));
  if (def.type === "object" && def.shape && isRecord(value)) {
    const known = Object.keys(def.shape);
    return Object.entries(value).flatMap(([key, v]) => {
      const field = def.shape?.[key];
      if (field) return unknownKeys(field, v, [...path, key]);
      const suggestion = suggest(key, known);
      return [{ path: [...path, key], ...(suggestion === undefined ? {} : { suggestion }) }];
    });
  }
  if (def.type === "array" && def.element && Array.isArray(value)) {
    return value.flatMap((v, i) => unknownKeys(def.element as AnySchema, v, [...path, i]));
  }
  if (def.type === "record" && def.valueType && isRecord(value)) {
    return Object.entries(value).flatMap(([k, v]) => unknownKeys(def.valueType as AnySchema, v, [...path, k]));
  }
  return [];
}

export interface UnknownKey {
  path: PropertyKey[];
  /** The known key at the same level it most likely means. */
  suggestion?: string;
}

export interface ConfigPathProblem {
  path: PropertyKey[];
  message: string;
}

const valueAt = (root: unknown, path: readonly PropertyKey[]) =>
  path.reduce<unknown>((v, k) => (v === null || typeof v !== "object" ? undefined : (v as any)[k]), root);

/** zod issues as problems on paths, with the value found where that helps. */
export function issueProblems(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigPathProblem[] {
  return issues.map((issue) => {
    const value = valueAt(input, issue.path);
    // Custom checks word their own message, with the values they compare.
    const got = value === undefined || issue.code === "custom" ? "" : `, got ${describeValue(value)}`;
    return { path: [...issue.path], message: `${issue.message}${got}` };
  });
}
