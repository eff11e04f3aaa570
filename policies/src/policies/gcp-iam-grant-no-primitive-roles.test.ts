// Spec: primitive roles are refused on every IAM resource kind.

import { describe, expect, it } from "vitest";
import { check, policySpec } from "../../test/check.ts";
import { iamMember, PROJECT, projectGrant, runInvoker, saEmail, withInput, withType } from "../../test/fixtures.ts";
import { gcpIamGrantNoPrimitiveRoles as policy } from "./gcp-iam-grant-no-primitive-roles.ts";

const member = `serviceAccount:${saEmail("fn-get-job")}`;
const baseline = () => [projectGrant("roles/datastore.viewer", member)];

policySpec(policy, baseline, [
  {
    change: "roles/editor on the project",
    resources: [projectGrant("roles/editor", member)],
    expected: "primitive role roles/editor",
  },
  {
    change: "roles/owner as a project binding",
    resources: [
      withInput(withType(projectGrant("roles/owner", member), "gcp:projects/iAMBinding:IAMBinding"), "members", [
        member,
      ]),
    ],
    expected: "primitive role roles/owner",
  },
  {
    change: "roles/viewer inside a project IAM policy document",
    resources: [
      iamMember("gcp:projects/iAMPolicy:IAMPolicy", "policy", {
        project: PROJECT,
        policyData: JSON.stringify({ bindings: [{ role: "roles/viewer", members: [member] }] }),
      } as never),
    ],
    expected: "roles/viewer granted to serviceAccount:fn-get-job",
  },
  {
    change: "roles/editor on a bucket",
    resources: [
      iamMember("gcp:storage/bucketIAMMember:BucketIAMMember", "b", { bucket: "media", role: "roles/editor", member }),
    ],
    expected: 'on bucket "media"',
  },
  {
    change: "roles/owner on a dataset",
    resources: [
      iamMember("gcp:bigquery/datasetIamMember:DatasetIamMember", "d", {
        datasetId: "genai_analytics",
        role: "roles/owner",
        member,
      }),
    ],
    expected: 'on dataset "genai_analytics"',
  },
  {
    change: "roles/editor on a Cloud Run service",
    resources: [withInput(runInvoker("get-job", member), "role", "roles/editor")],
    expected: 'on Cloud Run service "get-job"',
  },
  {
    change: "roles/editor on a queue",
    resources: [
      iamMember("gcp:cloudtasks/queueIamMember:QueueIamMember", "q", {
        name: "image-jobs",
        role: "roles/editor",
        member,
      }),
    ],
    expected: 'on queue "image-jobs"',
  },
  {
    change: "roles/owner on a service account",
    resources: [
      iamMember("gcp:serviceaccount/iAMMember:IAMMember", "sa", {
        serviceAccountId: `projects/${PROJECT}/serviceAccounts/${saEmail("tasks-invoker")}`,
        role: "roles/owner",
        member,
      }),
    ],
    expected: `on service account "${saEmail("tasks-invoker")}"`,
  },
  {
    change: "roles/viewer on a Gen 2 function",
    resources: [
      iamMember("gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember", "f", {
        cloudFunction: "get-job",
        role: "roles/viewer",
        member,
      }),
    ],
    expected: 'on function "get-job"',
  },
]);

describe("gcp-iam-grant-no-primitive-roles beyond IAM resources", () => {
  it("does not judge resources that are not IAM resources", async () => {
    expect(
      await check(policy, [
        { urn: "u", type: "gcp:storage/bucket:Bucket", name: "b", inputs: { role: "roles/owner" } },
      ]),
    ).toEqual([]);
  });
});
