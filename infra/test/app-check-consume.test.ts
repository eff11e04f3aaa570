// Replay protection's prerequisites follow `appCheckConsume`: with it, App Check's API is enabled
// and each spending endpoint may call verifyAppCheckToken as itself; without it, neither exists.
// Both variants of the prod stack run through the real program under Pulumi's mocks and the pack.
import { platform } from "@genai-platform/definition";
import { spendsOnGeneration } from "@genai-platform/definition/runtime-config";
import { evaluateSnapshot } from "@genai-platform/policies/evaluate.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPECTED_GRANTS, iamMembers, stackGrantRows } from "./expected-grants.ts";
import { evaluateForTest, type StackUnderTest, TYPES } from "./harness.ts";

const APP_CHECK_API = "firebaseappcheck.googleapis.com";
const VERIFIER = "roles/firebaseappcheck.tokenVerifier";
const spending = platform.functions.filter((f) => spendsOnGeneration(f));

// One evaluation after the other: Pulumi's runtime state is global.
let consuming: StackUnderTest;
let plain: StackUnderTest;
beforeAll(async () => {
  consuming = await evaluateForTest("prod", undefined, { "genai-platform:appCheckConsume": "true" });
  plain = await evaluateForTest("prod", undefined, { "genai-platform:appCheckConsume": "false" });
}, 120_000);

describe("a stack that consumes App Check tokens", () => {
  it("enables App Check's API, waited for like every other before anything is built", () => {
    const services = consuming.all(TYPES.service).filter((r) => r.inputs.service === APP_CHECK_API);
    expect(services).toHaveLength(1);
    expect(consuming.findResource(TYPES.wait, "apis-propagation").dependsOn).toContain(services[0]!.urn);
  });

  it("grants the token verifier role to exactly the spending endpoints, before the functions build", () => {
    const expected = spending.map((f) => `${f.serviceAccountId} ${VERIFIER} project`);
    expect(expected).toHaveLength(3);
    expect([...stackGrantRows(consuming)].sort()).toEqual([...EXPECTED_GRANTS, ...expected].sort());
    const before = consuming.findResource(TYPES.grants, "iam");
    const verifiers = iamMembers(consuming).filter((m) => m.inputs.role === VERIFIER);
    for (const m of verifiers) {
      expect(m.parent).toBe(before.urn);
      expect(consuming.findResource(TYPES.wait, "iam-propagation").inputs.triggers).toContain(m.urn);
    }
  });

  it("passes every mandatory policy of the prod pack, the project-role allow-list included", async () => {
    const violations = await evaluateSnapshot(
      { stack: "prod", resources: consuming.resources, violations: [] },
      { stack: "prod" },
    );
    expect(violations.filter((v) => v.level === "mandatory")).toEqual([]);
  });
});

describe("a stack that does not consume App Check tokens", () => {
  it("enables no App Check API and grants no App Check role", () => {
    expect(plain.all(TYPES.service).map((r) => r.inputs.service)).not.toContain(APP_CHECK_API);
    expect(iamMembers(plain).filter((m) => String(m.inputs.role).startsWith("roles/firebaseappcheck."))).toEqual([]);
    expect([...stackGrantRows(plain)].sort()).toEqual([...EXPECTED_GRANTS].sort());
  });
});
