// Runs one policy of the pack on resources, the way evaluateSnapshot does, with a config parsed by
// the policy's own schema (defaults, plus what the case sets).
import { describe, expect, it } from "vitest";
import { resolvePackConfig, runPolicies } from "../src/evaluate.ts";
import type { PackPolicy } from "../src/policy.ts";
import type { SnapshotResource, Violation } from "../src/snapshot.ts";

export async function check(
  policy: PackPolicy,
  resources: SnapshotResource[],
  config: Record<string, unknown> = {},
): Promise<Violation[]> {
  const resolved = resolvePackConfig([policy], { [policy.name]: { enforcementLevel: "mandatory", ...config } });
  return runPolicies(resolved, { stack: "prod", resources });
}

/** Messages only, for compact expectations. */
export async function messages(
  policy: PackPolicy,
  resources: SnapshotResource[],
  config: Record<string, unknown> = {},
): Promise<string[]> {
  return (await check(policy, resources, config)).map((v) => v.message);
}

export interface PolicyCase {
  /** What the one change is, e.g. "a rate over the cap". */
  change: string;
  resources: SnapshotResource[];
  /** Config for this case (on top of the policy's defaults). */
  config?: Record<string, unknown>;
  /** A fragment of the one expected message. */
  expected: string;
}

/**
 * The spec shape every policy shares: the compliant baseline passes, then each numbered case (the
 * baseline with ONE property changed) yields exactly one violation of this policy with the message.
 */
export function policySpec(
  policy: PackPolicy,
  baseline: () => SnapshotResource[],
  cases: PolicyCase[],
  baseConfig: Record<string, unknown> = {},
): void {
  describe(policy.name, () => {
    it("has a description, severity, enforcement level and a Google documentation link", () => {
      expect(policy.description.length).toBeGreaterThan(20);
      expect(policy.severity).toMatch(/^(low|medium|high|critical)$/);
      expect(policy.enforcementLevel).toMatch(/^(advisory|mandatory)$/);
      expect(policy.url).toMatch(/^https:\/\/(cloud\.google\.com|firebase\.google\.com)\//);
      expect(policy.description).toContain(policy.url);
    });

    it("reports nothing on the compliant baseline", async () => {
      expect(await check(policy, baseline(), baseConfig)).toEqual([]);
    });

    it.each(cases.map((c, i) => ({ ...c, label: `${i + 1}. ${c.change}` })))(
      "reports $label",
      async ({ resources, config, expected }) => {
        const violations = await check(policy, resources, { ...baseConfig, ...config });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatchObject({ policy: policy.name, level: "mandatory" });
        expect(violations[0]!.message).toContain(expected);
      },
    );
  });
}
