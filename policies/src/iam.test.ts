// IAM resources of every kind read as the same grants; the table's resource keys exist on the
// installed provider's args.
import { describe, expect, it } from "vitest";
import { gcpArgNames } from "../test/gcp-args.ts";
import { IAM_KINDS, iamGrants } from "./iam.ts";

describe("IAM_KINDS", () => {
  it.each([...IAM_KINDS].map(([type, kind]) => [type, kind.resourceKey, kind.shape] as const))(
    "%s names its resource in %s and has the %s inputs",
    (type, key, shape) => {
      const args = gcpArgNames(type);
      expect(args).toContain(key);
      expect(args).toEqual(
        expect.arrayContaining(
          shape === "member" ? ["role", "member"] : shape === "binding" ? ["role", "members"] : ["policyData"],
        ),
      );
    },
  );
});

describe("iamGrants", () => {
  it("reads a member, a binding and a policy document alike", () => {
    expect(iamGrants("gcp:projects/iAMMember:IAMMember", { project: "p", role: "roles/x", member: "user:a" })).toEqual([
      { scope: "project", resource: "p", role: "roles/x", members: ["user:a"] },
    ]);
    expect(
      iamGrants("gcp:storage/bucketIAMBinding:BucketIAMBinding", {
        bucket: "b",
        role: "roles/x",
        members: ["user:a", "user:b"],
      }),
    ).toEqual([{ scope: "bucket", resource: "b", role: "roles/x", members: ["user:a", "user:b"] }]);
    const policyData = JSON.stringify({
      bindings: [
        { role: "roles/x", members: ["user:a"] },
        { role: "roles/y", members: [] },
      ],
    });
    expect(
      iamGrants("gcp:cloudtasks/queueIamPolicy:QueueIamPolicy", {
        name: "projects/p/locations/l/queues/q",
        policyData,
      }),
    ).toEqual([
      { scope: "queue", resource: "q", role: "roles/x", members: ["user:a"] },
      { scope: "queue", resource: "q", role: "roles/y", members: [] },
    ]);
  });

  it("yields no grants from an unreadable policy document, and undefined for non-IAM types", () => {
    expect(iamGrants("gcp:projects/iAMPolicy:IAMPolicy", { project: "p", policyData: "{not json" })).toEqual([]);
    expect(iamGrants("gcp:storage/bucket:Bucket", {})).toBeUndefined();
  });
});
