// The pack's verdict as a table (policy, level, resource, message), mandatory first: the same form
// in the offline plan and in `policy:check`. Messages wrap so the table fits a PR comment.
import type { Violation } from "./snapshot.ts";
import { table } from "./table.ts";

const ORDER = { mandatory: 0, advisory: 1, disabled: 2 } as const;

/** `urn:pulumi:dev::proj::gcp:storage/bucket:Bucket::media` -> `media`. */
export const resourceName = (urn: string) => urn.split("::").pop() ?? urn;

export function renderViolations(violations: readonly Violation[]): string {
  if (violations.length === 0) return "Policy violations: none";
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const rows = [...violations]
    .sort((a, b) => ORDER[a.level] - ORDER[b.level] || a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn))
    .map((v) => [v.policy, v.level, resourceName(v.urn), v.message]);
  return [
    `Policy violations (${violations.length}: ${mandatory} mandatory, ${violations.length - mandatory} advisory)`,
    table(["policy", "level", "resource", "message"], rows, { wrap: { message: 72 }, width: 120 }),
  ].join("\n");
}
