// The Google APIs the program enables and deploys onto: plain data, so a preflight check can read it
// without loading the Pulumi SDK.

/** Services the platform calls or deploys onto. */
export const REQUIRED_APIS = [
  "aiplatform.googleapis.com",
  "artifactregistry.googleapis.com",
  // The billing budget: the provider calls it with the stack's quota project, where it must be on.
  // Source: https://www.pulumi.com/registry/packages/gcp/api-docs/billing/budget/ (user ADCs need
  // billingProject and userProjectOverride, else the Billing Budgets API answers 403)
  "billingbudgets.googleapis.com",
  "bigquery.googleapis.com",
  "cloudbuild.googleapis.com",
  "cloudfunctions.googleapis.com",
  // Project lookups and project-level IAM members go through Resource Manager.
  "cloudresourcemanager.googleapis.com",
  // The sweeper's schedule. Source: https://cloud.google.com/scheduler/docs/setup
  "cloudscheduler.googleapis.com",
  "cloudtasks.googleapis.com",
  "firebaserules.googleapis.com",
  "firestore.googleapis.com",
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
  "run.googleapis.com",
  "storage.googleapis.com",
] as const;

/**
 * App Check's API, which replay protection calls (`projects/{number}:verifyAppCheckToken`) with the
 * function's own identity; only stacks that consume tokens enable it. Verifying without consuming
 * needs only the public JWKS, no API.
 * Source: https://firebase.google.com/docs/reference/appcheck/rest/v1beta/projects/verifyAppCheckToken
 */
export const APP_CHECK_API = "firebaseappcheck.googleapis.com";

/** The services a stack enables: `REQUIRED_APIS`, plus App Check's when it consumes tokens. */
export function requiredApis(options: { appCheckConsume: boolean }): readonly string[] {
  return options.appCheckConsume ? [...REQUIRED_APIS, APP_CHECK_API] : REQUIRED_APIS;
}
