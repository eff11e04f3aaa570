// The pack's verdict as a table (policy, level, resource, message), mandatory first: the same form
// in the offline plan and in `policy:check`. Messages wrap so the table fits a PR comment.
import type { Violation } from "./snapshot.ts";
import { table } from "./table.ts";

const ORDER = { mandatory: 0, advisory: 1, disabled: 2 } as const;

/** `urn:pulumi:dev::proj::gcp:storage/bucket:Bucket::media` -> `media`. */
export const resourceName = (urn: string) => urn.split("::").pop() ?? urn;

/** Violations of one policy that differ only in the resource they name, three or more of them. */
const GROUP_FROM = 3;
const NAME_MARK = "\u0000";

interface Row {
  violation: Violation;
  names: string[];
  /** The message with the resource's own name taken out, when grouped. */
  message: string;
}

/**
 * One bad stack setting (a region, a label) can fail every resource the same way: such violations
 * become one row naming the resources, instead of one row each.
 */
function groupRows(violations: readonly Violation[]): Row[] {
  const groups = new Map<string, Row>();
  for (const v of violations) {
    const name = resourceName(v.urn);
    const shape = name.length > 0 ? v.message.replaceAll(name, NAME_MARK) : v.message;
    const key = `${v.policy}\n${v.level}\n${shape}`;
    const row = groups.get(key) ?? { violation: v, names: [], message: shape };
    row.names.push(name);
    groups.set(key, row);
  }
  return [...groups.values()].flatMap((row) => {
    if (row.names.length < GROUP_FROM)
      return row.names.map((name) => ({
        ...row,
        violation: { ...row.violation, urn: name },
        names: [name],
        message: row.message.replaceAll(NAME_MARK, name),
      }));
    const shown = row.names.slice(0, 6).join(", ");
    const more = row.names.length > 6 ? ` and ${row.names.length - 6} more` : "";
    const message = row.message.replace(new RegExp(`^${NAME_MARK}:\\s*`), "").replaceAll(NAME_MARK, "each");
    return [{ ...row, message: `${message} (on ${shown}${more})` }];
  });
}

export function renderViolations(violations: readonly Violation[]): string {
  if (violations.length === 0) return "Policy violations: none";
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const sorted = [...violations].sort(
    (a, b) => ORDER[a.level] - ORDER[b.level] || a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn),
  );
  const rows = groupRows(sorted).map((r) => [
    r.violation.policy,
    r.violation.level,
    r.names.length === 1 ? r.names[0] : `${r.names.length} resources`,
    r.message,
  ]);
  return [
    `Policy violations (${violations.length}: ${mandatory} mandatory, ${violations.length - mandatory} advisory)`,
    table(["policy", "level", "resource", "message"], rows, { wrap: { message: 72 }, width: 120 }),
  ].join("\n");
}
