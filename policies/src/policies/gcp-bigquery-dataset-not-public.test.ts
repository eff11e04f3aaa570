// Spec: no dataset access entry opens the dataset to everyone.
import { policySpec } from "../../test/check.ts";
import { dataset, withInput } from "../../test/fixtures.ts";
import { gcpBigqueryDatasetNotPublic as policy } from "./gcp-bigquery-dataset-not-public.ts";

const owner = { role: "OWNER", userByEmail: "platform@example.com" };
policySpec(policy, () => [withInput(dataset(), "accesses", [owner])], [
  {
    change: "allAuthenticatedUsers as a reader",
    resources: [withInput(dataset(), "accesses", [owner, { role: "READER", specialGroup: "allAuthenticatedUsers" }])],
    expected: "grants READER to specialGroup allAuthenticatedUsers",
  },
  {
    change: "allUsers as an IAM member",
    resources: [
      withInput(dataset(), "accesses", [owner, { role: "roles/bigquery.dataViewer", iamMember: "allUsers" }]),
    ],
    expected: "iamMember allUsers",
  },
  {
    change: "a separate DatasetAccess for allUsers",
    resources: [
      withInput(dataset(), "accesses", [owner]),
      {
        urn: "urn:a",
        type: "gcp:bigquery/datasetAccess:DatasetAccess",
        name: "a",
        inputs: { datasetId: "genai_analytics", role: "READER", iamMember: "allUsers" },
      },
    ],
    expected: "dataset genai_analytics grants READER to iamMember allUsers",
  },
]);
