// What every command line here shares: options parsed strictly, and every problem with them (an
// unknown option, a missing value, a value outside its set, a file that is not there) reported on its
// own line with the usage, naming the npm command, before any work starts. Exit 2 for those.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

/** Where `npm start` records the running local platform: the default `--state` of every command. */
export const LOCAL_STATE_FILE = resolve(import.meta.dirname, "..", ".local", "platform.json");

export interface OptionSpec {
  type: "string" | "boolean";
  required?: boolean;
  /** The allowed values; anything else is "unknown <noun> X (known: ...)". */
  oneOf?: readonly string[];
  /** What the value is called in that message (default: the option's name). */
  noun?: string;
  /** The value names a file that must exist. */
  file?: boolean;
  /** The value is a positive number. */
  positive?: boolean;
}

export interface CliSpec {
  /** How a person runs it: `npm run plan --`. */
  command: string;
  /** Usage lines after the command. */
  usage: string | readonly string[];
  options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments allowed (names for the usage only). */
  positionals?: number;
}

export type Values<S extends CliSpec> = {
  [K in keyof S["options"]]: S["options"][K]["type"] extends "boolean"
    ? boolean | undefined
    : S["options"][K] extends { required: true }
      ? string
      : string | undefined;
};

export function usageText(spec: CliSpec): string {
  const lines = typeof spec.usage === "string" ? [spec.usage] : spec.usage;
  return lines.map((l, i) => `${i === 0 ? "usage: " : "       "}${spec.command} ${l}`).join("\n");
}

/** node:util's parse errors, in the words of this command line. */
function explainParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /Option '(-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `${missing[2]} needs a value`;
  const ambiguous = /Option '(-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[2]} needs a value`;
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument ${positional[1]}`;
  return message;
}

export interface Parsed<S extends CliSpec> {
  values: Values<S>;
  positionals: string[];
}

/** Parses `argv`; returns the problems found (one line each) instead of throwing. */
export function parseCli<S extends CliSpec>(spec: S, argv: readonly string[]): Parsed<S> | { problems: string[] } {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: (spec.positionals ?? 0) > 0,
      options: Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type }])),
    });
  } catch (error) {
    return { problems: [explainParseError(error)] };
  }
  const problems: string[] = [];
  // A value that is itself an option (`--stack --json x`) means the value was left out.
  for (const [name, option] of Object.entries(spec.options)) {
    const value = parsed.values[name];
    if (option.type === "boolean") continue;
    if (typeof value === "string" && value.startsWith("--")) {
      problems.push(`--${name} needs a value`);
      continue;
    }
    if (value === undefined) {
      if (option.required) problems.push(`--${name} is required`);
      continue;
    }
    if (typeof value !== "string") continue;
    if (option.oneOf && !option.oneOf.includes(value)) {
      problems.push(`unknown ${option.noun ?? name} ${value} (known: ${option.oneOf.join(", ")})`);
    }
    if (option.file && !existsSync(value)) problems.push(`--${name} ${value}: no such file`);
    if (option.positive && !(Number(value) > 0 && Number.isFinite(Number(value)))) {
      problems.push(`--${name} must be a positive number, got "${value}"`);
    }
  }
  if (parsed.positionals.length > (spec.positionals ?? 0)) {
    problems.push(`unexpected argument ${parsed.positionals[spec.positionals ?? 0]}`);
  }
  if (problems.length > 0) return { problems };
  return { values: parsed.values as Values<S>, positionals: parsed.positionals };
}

/** Errors of our own making carry a message meant for a person; anything else is a failure of the tool. */
const BUILTIN = new Set(["Error", "TypeError", "RangeError", "ReferenceError", "SyntaxError"]);

/**
 * Runs `main` with the parsed options. `main` answers an exit code, or a string for a usage problem
 * it finds itself (a combination of options).
 */
export function runCli<S extends CliSpec>(
  spec: S,
  argv: readonly string[],
  main: (values: Values<S>, positionals: string[]) => number | string | Promise<number | string>,
): void {
  const fail = (problems: readonly string[]) => {
    console.error([...problems, usageText(spec)].join("\n"));
    process.exitCode = 2;
  };
  const parsed = parseCli(spec, argv);
  if ("problems" in parsed) {
    fail(parsed.problems);
    return;
  }
  Promise.resolve()
    .then(() => main(parsed.values, parsed.positionals))
    .then(
      (result) => {
        if (typeof result === "string") fail([result]);
        else process.exitCode = result;
      },
      (error: unknown) => {
        const e = error instanceof Error ? error : new Error(String(error));
        console.error(
          BUILTIN.has(e.name) ? `${spec.command.split(" ").slice(0, 3).join(" ")} failed: ${e.message}` : e.message,
        );
        process.exitCode = 2;
      },
    );
}
