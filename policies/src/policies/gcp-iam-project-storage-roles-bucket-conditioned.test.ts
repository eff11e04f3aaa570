// Spec: a project-level storage role is limited by condition to one allowed Google-created bucket.
import { policySpec } from "../../test/check.ts";
import { PROJECT, projectGrant, saEmail, withInput } from "../../test/fixtures.ts";
import { gcpIamProjectStorageRolesBucketConditioned as policy } from "./gcp-iam-project-storage-roles-bucket-conditioned.ts";

const builder = `serviceAccount:${saEmail("fn-builder")}`;
const sources = 'resource.name.startsWith("projects/_/buckets/gcf-v2-sources-123456789012-europe-west1")';
const conditioned = (expression: string) =>
  withInput(projectGrant("roles/storage.objectViewer", builder), "condition", { title: "t", expression });
const baseline = () => [conditioned(sources), projectGrant("roles/datastore.user")];

policySpec(policy, baseline, [
  {
    change: "the condition removed",
    resources: [projectGrant("roles/storage.objectViewer", builder)],
    expected: "roles/storage.objectViewer granted to serviceAccount:fn-builder",
  },
  {
    change: "the condition naming a bucket of ours instead of a Google-created one",
    resources: [conditioned(`resource.name.startsWith("projects/_/buckets/${PROJECT}-media")`)],
    expected: "which does not limit it to a bucket named gcf-v2-sources-",
  },
  {
    change: "a condition that does not name a bucket",
    resources: [conditioned('request.time < timestamp("2030-01-01T00:00:00Z")')],
    expected: "on the project with condition request.time",
  },
  {
    change: "the allowed prefixes emptied",
    resources: baseline(),
    config: { allowedBucketPrefixes: [] },
    expected: "which does not limit it",
  },
]);
