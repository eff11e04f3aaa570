// Primitive roles (owner, editor, viewer) grant thousands of permissions across every service:
// never on any IAM resource kind, whatever it is bound on.

import { describeScope, iamGrants } from "../iam.ts";
import type { PackResourcePolicy } from "../policy.ts";

const PRIMITIVE = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

export const gcpIamGrantNoPrimitiveRoles: PackResourcePolicy = {
  name: "gcp-iam-grant-no-primitive-roles",
  description:
    "IAM members, bindings and policies on projects, buckets, datasets, services, functions, queues and " +
    "service accounts never grant roles/owner, roles/editor or roles/viewer. " +
    "See https://cloud.google.com/iam/docs/roles-overview#basic",
  url: "https://cloud.google.com/iam/docs/roles-overview#basic",
  severity: "critical",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const grants = iamGrants(args.type, args.props) ?? args.notApplicable("not an IAM resource");
    for (const grant of grants) {
      if (PRIMITIVE.has(grant.role)) {
        reportViolation(
          `primitive role ${grant.role} granted to ${grant.members.join(", ")} ${describeScope(grant)}; ` +
            "grant a predefined role on the narrowest resource instead",
        );
      }
    }
  },
};
