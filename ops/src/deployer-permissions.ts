// What the identity running `pulumi up` must hold on the project, grouped by the resources the program
// declares (infra/components). One place: the preflight tests these with testIamPermissions.
// Names and the roles that carry them: https://cloud.google.com/iam/docs/permissions-reference

export interface PermissionGroup {
  /** What the program declares that needs these. */
  readonly for: string;
  /** A predefined role that carries them: the fix the preflight suggests. */
  readonly role: string;
  readonly permissions: readonly string[];
  /** The Google page naming the permissions. */
  readonly source: string;
}

export const DEPLOYER_PERMISSIONS: readonly PermissionGroup[] = [
  {
    for: "enabling the APIs (gcp.projects.Service) and service identities",
    role: "roles/serviceusage.serviceUsageAdmin",
    permissions: ["serviceusage.services.enable", "serviceusage.services.get", "serviceusage.services.use"],
    source: "https://cloud.google.com/service-usage/docs/access-control",
  },
  {
    for: "project-level IAM members (gcp.projects.IAMMember)",
    role: "roles/resourcemanager.projectIamAdmin",
    permissions: [
      "resourcemanager.projects.get",
      "resourcemanager.projects.getIamPolicy",
      "resourcemanager.projects.setIamPolicy",
    ],
    source: "https://cloud.google.com/resource-manager/docs/access-control-proj",
  },
  {
    for: "service accounts and grants on them (gcp.serviceaccount.*)",
    role: "roles/iam.serviceAccountAdmin",
    permissions: [
      "iam.serviceAccounts.create",
      "iam.serviceAccounts.get",
      "iam.serviceAccounts.update",
      "iam.serviceAccounts.delete",
      "iam.serviceAccounts.getIamPolicy",
      "iam.serviceAccounts.setIamPolicy",
    ],
    source: "https://cloud.google.com/iam/docs/service-accounts-create#permissions",
  },
  {
    // Deploying a function that runs as a service account requires actAs on it.
    for: "functions running as the platform's service accounts",
    role: "roles/iam.serviceAccountUser",
    permissions: ["iam.serviceAccounts.actAs"],
    source: "https://cloud.google.com/functions/docs/reference/iam/roles#additional-configuration",
  },
  {
    for: "Cloud Functions (2nd gen) and their Cloud Run services (gcp.cloudfunctionsv2, gcp.cloudrunv2)",
    role: "roles/cloudfunctions.developer",
    permissions: [
      "cloudfunctions.functions.create",
      "cloudfunctions.functions.get",
      "cloudfunctions.functions.update",
      "cloudfunctions.functions.delete",
      "cloudfunctions.operations.get",
      "run.services.get",
      "run.services.getIamPolicy",
      "run.services.setIamPolicy",
    ],
    source: "https://cloud.google.com/functions/docs/reference/iam/permissions",
  },
  {
    for: "Artifact Registry repository for the function images",
    role: "roles/artifactregistry.admin",
    permissions: [
      "artifactregistry.repositories.create",
      "artifactregistry.repositories.get",
      "artifactregistry.repositories.getIamPolicy",
      "artifactregistry.repositories.setIamPolicy",
    ],
    source: "https://cloud.google.com/artifact-registry/docs/access-control#permissions",
  },
  {
    for: "the media and source buckets, the source object (gcp.storage.*)",
    role: "roles/storage.admin",
    permissions: [
      "storage.buckets.create",
      "storage.buckets.get",
      "storage.buckets.update",
      "storage.buckets.getIamPolicy",
      "storage.buckets.setIamPolicy",
      "storage.objects.create",
      "storage.objects.get",
    ],
    source: "https://cloud.google.com/storage/docs/access-control/iam-permissions",
  },
  {
    for: "the Cloud Tasks queues and their invoker grants",
    role: "roles/cloudtasks.queueAdmin",
    permissions: [
      "cloudtasks.queues.create",
      "cloudtasks.queues.get",
      "cloudtasks.queues.update",
      "cloudtasks.queues.getIamPolicy",
      "cloudtasks.queues.setIamPolicy",
    ],
    source: "https://cloud.google.com/tasks/docs/reference-access-control",
  },
  {
    for: "Firestore database, indexes and TTL fields",
    role: "roles/datastore.owner",
    permissions: [
      "datastore.databases.create",
      "datastore.databases.get",
      "datastore.indexes.create",
      "datastore.indexes.list",
      "datastore.indexes.update",
    ],
    source: "https://cloud.google.com/firestore/docs/security/iam#permissions",
  },
  {
    for: "the Firestore security rules (gcp.firebaserules.Ruleset, Release)",
    role: "roles/firebaserules.admin",
    permissions: [
      "firebaserules.rulesets.create",
      "firebaserules.rulesets.get",
      "firebaserules.releases.create",
      "firebaserules.releases.get",
      "firebaserules.releases.update",
    ],
    source: "https://firebase.google.com/docs/projects/iam/permissions#rules",
  },
  {
    for: "the analytics dataset, table and views (gcp.bigquery.*)",
    role: "roles/bigquery.admin",
    permissions: [
      "bigquery.datasets.create",
      "bigquery.datasets.get",
      "bigquery.datasets.update",
      "bigquery.datasets.setIamPolicy",
      "bigquery.tables.create",
      "bigquery.tables.get",
      "bigquery.tables.update",
    ],
    source: "https://cloud.google.com/bigquery/docs/access-control#bigquery-permissions",
  },
  {
    // Logs Configuration Writer covers sinks and logs-based metrics alike.
    for: "the log sink to BigQuery (gcp.logging.ProjectSink) and the cost metric (gcp.logging.Metric)",
    role: "roles/logging.configWriter",
    permissions: [
      "logging.sinks.create",
      "logging.sinks.get",
      "logging.sinks.update",
      "logging.logMetrics.create",
      "logging.logMetrics.get",
      "logging.logMetrics.update",
    ],
    source: "https://cloud.google.com/logging/docs/access-control#permissions_and_roles",
  },
  {
    for: "alert policies and notification channels (gcp.monitoring.*)",
    role: "roles/monitoring.editor",
    permissions: [
      "monitoring.alertPolicies.create",
      "monitoring.alertPolicies.get",
      "monitoring.alertPolicies.update",
      "monitoring.notificationChannels.create",
      "monitoring.notificationChannels.get",
      "monitoring.notificationChannels.update",
    ],
    source: "https://cloud.google.com/monitoring/access-control#permissions",
  },
];

// Not here: the billing budget needs billing.budgets.create/get/update on the billing account, not
// the project (Billing Account Costs Manager there), which a project's testIamPermissions cannot
// test. infra/FIRST-DEPLOY.md says how to grant it.
// Source: https://cloud.google.com/billing/docs/how-to/budget-api-access-control

export const ALL_DEPLOYER_PERMISSIONS: readonly string[] = DEPLOYER_PERMISSIONS.flatMap((g) => g.permissions);
