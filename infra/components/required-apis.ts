// The Google APIs the program enables and deploys onto: plain data, so a preflight check can read it
// without loading the Pulumi SDK.

/** Services the platform calls or deploys onto. */
export const REQUIRED_APIS = [
  "aiplatform.googleapis.com",
  "artifactregistry.googleapis.com",
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
