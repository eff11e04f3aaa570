// Plain-text verdict of the pack: one block per violation (policy, level, resource, message), mandatory first.
import type { Violation } from "./snapshot.ts";

const ORDER = { mandatory: 0, advisory: 1, disabled: 2 } as const;

/** `urn:pulumi:dev::proj::gcp:storage/bucket:Bucket::media` -> `gcp:storage/bucket:Bucket::media`. */
export function shortUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) return urn;
  const type = parts[2]!.split("$").at(-1)!;
  return `${type}::${parts.slice(3).join("::")}`;
}

export function renderVerdict(violations: readonly Violation[]): string {
  if (violations.length === 0) return "Policy pack: no violations.";
  const sorted = [...violations].sort(
    (a, b) => ORDER[a.level] - ORDER[b.level] || a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn),
  );
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const lines = [`Policy pack: ${mandatory} mandatory, ${violations.length - mandatory} advisory violation(s).`];
  for (const v of sorted) {
    lines.push(`  [${v.level}] ${v.policy}`, `    resource: ${shortUrn(v.urn)}`, `    ${v.message}`);
  }
  return lines.join("\n");
}
