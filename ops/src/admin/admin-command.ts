// The operator commands of `npm run admin`, parsed from the command line's positional arguments:
// every problem (an unknown command, a missing or extra argument, a uid the functions would refuse)
// is one line naming it, answered before anything is read or written.
import { type TierName, tierNameSchema } from "@genai-platform/definition";
import { documentIdProblem } from "@genai-platform/functions/domain/document-ids.ts";
import type { PausableKind } from "@genai-platform/functions/ports/index.ts";

export const PAUSE_SCOPES = ["image", "video", "agent", "all"] as const;
export type PauseScope = (typeof PAUSE_SCOPES)[number];
export const ALL_KINDS: readonly PausableKind[] = ["image", "video", "agent"];

export type AdminCommand =
  | { name: "tier"; uid: string; tier: TierName }
  | { name: "suspend"; uid: string; reason?: string }
  | { name: "unsuspend"; uid: string }
  | { name: "usage"; uid: string }
  | { name: "budget" }
  | { name: "pause" | "resume"; scope: PauseScope };

export const ADMIN_USAGE = [
  "tier <uid> <free|pro>",
  'suspend <uid> [--reason "…"]',
  "unsuspend <uid>",
  "usage <uid>",
  "budget",
  "pause <image|video|agent|all>",
  "resume <image|video|agent|all>",
  "<command> … [--json] [--stack dev|prod | --state FILE]",
] as const;

/** What a command takes after its name; the order is the order on the command line. */
const ARGUMENTS = {
  tier: ["uid", "tier"],
  suspend: ["uid"],
  unsuspend: ["uid"],
  usage: ["uid"],
  budget: [],
  pause: ["kind"],
  resume: ["kind"],
} as const;
type CommandName = keyof typeof ARGUMENTS;
const COMMANDS = Object.keys(ARGUMENTS) as CommandName[];

/** A suspension's reason is shown to the user in every refusal: keep it a sentence, not a document. */
export const MAX_REASON_LENGTH = 500;

export function parseAdminCommand(
  positionals: readonly string[],
  options: { reason?: string | undefined } = {},
): AdminCommand | { problem: string } {
  const [name, ...args] = positionals;
  if (name === undefined) return { problem: `a command is required (known: ${COMMANDS.join(", ")})` };
  if (!(COMMANDS as string[]).includes(name)) {
    return { problem: `unknown command ${name} (known: ${COMMANDS.join(", ")})` };
  }
  const command = name as CommandName;
  const expected = ARGUMENTS[command];
  if (args.length < expected.length) return { problem: `${command} needs <${expected[args.length]}>` };
  if (args.length > expected.length) return { problem: `unexpected argument ${args[expected.length]}` };
  if (options.reason !== undefined && command !== "suspend") return { problem: "--reason goes with suspend only" };

  if (command === "pause" || command === "resume") {
    const scope = args[0] as string;
    if (!(PAUSE_SCOPES as readonly string[]).includes(scope)) {
      return { problem: `unknown kind ${scope} (known: ${PAUSE_SCOPES.join(", ")})` };
    }
    return { name: command, scope: scope as PauseScope };
  }
  if (command === "budget") return { name: "budget" };
  const uid = args[0] as string;
  // The same check the functions make of a token's uid before building any document path.
  const problem = documentIdProblem(uid);
  if (problem) return { problem: `uid ${JSON.stringify(uid)} ${problem}` };
  if (command === "tier") {
    const tier = tierNameSchema.safeParse(args[1]);
    if (!tier.success) return { problem: `unknown tier ${args[1]} (known: ${tierNameSchema.options.join(", ")})` };
    return { name: "tier", uid, tier: tier.data };
  }
  if (command === "suspend") {
    const reason = options.reason?.trim();
    if (options.reason !== undefined && !reason) return { problem: "--reason must not be empty" };
    if (reason && reason.length > MAX_REASON_LENGTH) {
      return { problem: `--reason is longer than ${MAX_REASON_LENGTH} characters` };
    }
    return { name: "suspend", uid, ...(reason ? { reason } : {}) };
  }
  return { name: command, uid };
}

/** The kinds a pause or resume acts on. */
export function kindsOf(scope: PauseScope): readonly PausableKind[] {
  return scope === "all" ? ALL_KINDS : [scope];
}

/** What the audit line calls the command's object: the uid, the kind, or the global budget. */
export function commandTarget(command: AdminCommand): string {
  if (command.name === "budget") return "global";
  return "uid" in command ? command.uid : command.scope;
}
