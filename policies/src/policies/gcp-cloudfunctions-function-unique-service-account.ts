// One identity per function: a shared account gives every function the union of their permissions,
// and an audit log can no longer say which function acted.

import { functionView } from "../functions.ts";
import type { PackStackPolicy } from "../policy.ts";

export const gcpCloudfunctionsFunctionUniqueServiceAccount: PackStackPolicy = {
  name: "gcp-cloudfunctions-function-unique-service-account",
  description:
    "No service account is the runtime identity of two functions. " +
    "See https://cloud.google.com/functions/docs/securing/function-identity#individual",
  url: "https://cloud.google.com/functions/docs/securing/function-identity#individual",
  severity: "medium",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const byAccount = new Map<string, { name: string; urn: string }[]>();
    for (const resource of args.resources) {
      const fn = functionView(resource.type, resource.props, resource.name);
      const email = fn?.serviceAccountEmail;
      // Unknown or placeholder identities cannot be compared.
      if (!fn || typeof email !== "string" || email === "" || email.startsWith("[")) continue;
      byAccount.set(email, [...(byAccount.get(email) ?? []), { name: fn.name, urn: resource.urn }]);
    }
    for (const [email, functions] of byAccount) {
      if (functions.length < 2) continue;
      const names = functions.map((f) => f.name).join(", ");
      for (const fn of functions) {
        reportViolation(`service account ${email} is shared by functions ${names}; give each its own`, fn.urn);
      }
    }
  },
};
