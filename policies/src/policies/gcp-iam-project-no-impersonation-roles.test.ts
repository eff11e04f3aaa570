// Spec: impersonation roles only on a service account, never on the project.
import { policySpec } from "../../test/check.ts";
import { iamMember, PROJECT, projectGrant, saEmail, withInput, withType } from "../../test/fixtures.ts";
import { gcpIamProjectNoImpersonationRoles as policy } from "./gcp-iam-project-no-impersonation-roles.ts";

const onAccount = iamMember("gcp:serviceaccount/iAMMember:IAMMember", "actas", {
  serviceAccountId: `projects/${PROJECT}/serviceAccounts/${saEmail("tasks-invoker")}`,
  role: "roles/iam.serviceAccountUser",
  member: `serviceAccount:${saEmail("fn-generate-image")}`,
});
const baseline = () => [onAccount, projectGrant("roles/datastore.user")];

policySpec(policy, baseline, [
  {
    change: "serviceAccountUser moved to the project",
    resources: [onAccount, projectGrant("roles/iam.serviceAccountUser")],
    expected: "roles/iam.serviceAccountUser granted to serviceAccount:fn-generate-image",
  },
  {
    change: "serviceAccountTokenCreator on the project",
    resources: [onAccount, projectGrant("roles/iam.serviceAccountTokenCreator")],
    expected: "roles/iam.serviceAccountTokenCreator",
  },
  {
    change: "workloadIdentityUser in a project binding",
    resources: [
      onAccount,
      withInput(
        withType(projectGrant("roles/iam.workloadIdentityUser"), "gcp:projects/iAMBinding:IAMBinding"),
        "members",
        ["principalSet://x"],
      ),
    ],
    expected: "roles/iam.workloadIdentityUser granted to principalSet://x on the whole project",
  },
]);
