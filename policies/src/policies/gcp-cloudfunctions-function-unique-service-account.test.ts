// Spec: no identity shared by two functions.
import { describe, expect, it } from "vitest";
import { check, policySpec } from "../../test/check.ts";
import { fn, saEmail, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionUniqueServiceAccount as policy } from "./gcp-cloudfunctions-function-unique-service-account.ts";

const baseline = () => [fn("generate-image"), fn("get-job")];

policySpec(policy, () => baseline(), []);

describe("gcp-cloudfunctions-function-unique-service-account on a shared identity", () => {
  it("1. reports both functions when get-job runs as generate-image's account", async () => {
    const shared = withInput(fn("get-job"), "serviceConfig.serviceAccountEmail", saEmail("fn-generate-image"));
    const violations = await check(policy, [fn("generate-image"), shared]);
    expect(violations.map((v) => v.urn)).toEqual([fn("generate-image").urn, shared.urn]);
    expect(violations[0]!.message).toContain(
      `service account ${saEmail("fn-generate-image")} is shared by functions generate-image, get-job`,
    );
  });

  it("does not compare identities that are still unknown", async () => {
    const unknown = (name: string) => withInput(fn(name), "serviceConfig.serviceAccountEmail", "[unknown]");
    expect(await check(policy, [unknown("a"), unknown("b")])).toEqual([]);
  });
});
