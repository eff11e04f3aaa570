// Spec: a function identity holds project-level roles only from the allow-list.
import { policySpec } from "../../test/check.ts";
import { fn, projectGrant, saEmail, withInput } from "../../test/fixtures.ts";
import { gcpIamProjectFunctionRolesAllowList as policy } from "./gcp-iam-project-function-roles-allow-list.ts";

const self = `serviceAccount:${saEmail("fn-generate-image")}`;
const baseline = () => [
  fn("generate-image"),
  projectGrant("roles/datastore.user", self),
  projectGrant("roles/logging.logWriter", self),
  // What a stack with appCheckConsume grants the spending endpoints.
  projectGrant("roles/firebaseappcheck.tokenVerifier", self),
];

policySpec(policy, baseline, [
  {
    change: "storage.admin on the project for a function",
    resources: [...baseline(), projectGrant("roles/storage.admin", self)],
    expected: "function generate-image holds roles/storage.admin on the whole project",
  },
  {
    change: "an allow-listed role removed from the allow-list",
    resources: baseline(),
    config: { allowedRoles: ["roles/datastore.user", "roles/firebaseappcheck.tokenVerifier"] },
    expected: "roles/logging.logWriter",
  },
  {
    change: "the function running as the account holding cloudtasks.admin",
    resources: [
      withInput(fn("generate-image"), "serviceConfig.serviceAccountEmail", "ops@p.iam.gserviceaccount.com"),
      projectGrant("roles/cloudtasks.admin", "serviceAccount:ops@p.iam.gserviceaccount.com"),
    ],
    expected: "holds roles/cloudtasks.admin",
  },
]);
