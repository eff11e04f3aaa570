// Spec: only allow-listed functions may be public, and only through an invoker role (Gen 2: run.invoker).
import { policySpec } from "../../test/check.ts";
import { iamMember, runInvoker, saEmail, withInput } from "../../test/fixtures.ts";
import { gcpIamGrantNoPublicPrincipals as policy } from "./gcp-iam-grant-no-public-principals.ts";

const config = { publicFunctions: ["generate-image", "get-job"] };
const baseline = () => [
  runInvoker("generate-image", "allUsers"),
  iamMember("gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember", "f", {
    cloudFunction: "projects/p/locations/europe-west1/functions/get-job",
    role: "roles/cloudfunctions.invoker",
    member: "allUsers",
  }),
  runInvoker("image-worker", `serviceAccount:${saEmail("tasks-invoker")}`),
];

policySpec(
  policy,
  baseline,
  [
    {
      change: "a worker's Cloud Run service made public",
      resources: [...baseline(), runInvoker("image-worker", "allUsers")],
      expected:
        'Cloud Run service "image-worker" grants roles/run.invoker to allUsers; only the functions in publicFunctions (generate-image, get-job) may be public (gcp-iam-grant-no-public-principals.publicFunctions in policies/<stack>.json)',
    },
    {
      change: "allAuthenticatedUsers on a service outside the allow-list",
      resources: [...baseline(), runInvoker("get-usage", "allAuthenticatedUsers")],
      expected: "grants roles/run.invoker to allAuthenticatedUsers",
    },
    {
      change: "a public function given a non-invoker role",
      resources: [
        ...baseline().slice(1),
        withInput(runInvoker("generate-image", "allUsers"), "role", "roles/run.developer"),
      ],
      expected: "a public function may grant only roles/run.invoker or roles/cloudfunctions.invoker to them",
    },
    {
      change: "allUsers on the media bucket",
      resources: [
        ...baseline(),
        iamMember("gcp:storage/bucketIAMMember:BucketIAMMember", "b", {
          bucket: "media",
          role: "roles/storage.objectViewer",
          member: "allUsers",
        }),
      ],
      expected: "only function invokers may be public; remove the grant (infra/grants.ts)",
    },
    {
      change: "allUsers in a bucket binding",
      resources: [
        ...baseline(),
        iamMember("gcp:storage/bucketIAMBinding:BucketIAMBinding", "b", {
          bucket: "media",
          role: "roles/storage.objectViewer",
          members: ["allUsers"],
        } as never),
      ],
      expected: 'bucket "media" grants',
    },
    {
      change: "allUsers on a queue",
      resources: [
        ...baseline(),
        iamMember("gcp:cloudtasks/queueIamMember:QueueIamMember", "q", {
          name: "image-jobs",
          role: "roles/cloudtasks.enqueuer",
          member: "allUsers",
        }),
      ],
      expected: 'queue "image-jobs" grants',
    },
    {
      change: "the allow-list no longer naming generate-image",
      resources: baseline(),
      config: { publicFunctions: ["get-job"] },
      expected:
        'Cloud Run service "generate-image" grants roles/run.invoker to allUsers; only the functions in publicFunctions (get-job) may be public',
    },
  ],
  config,
);
