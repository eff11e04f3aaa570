// The pack's policies, in one list shared by the Pulumi engine entry (index.ts) and the offline
// evaluator (evaluate.ts): both run the very same objects.

import { gcpAllResourcesAllowedLocations } from "./policies/gcp-all-resources-allowed-locations.ts";
import { gcpAllResourcesRequiredLabels } from "./policies/gcp-all-resources-required-labels.ts";
import { gcpBigqueryDatasetExpiration } from "./policies/gcp-bigquery-dataset-expiration.ts";
import { gcpBigqueryDatasetNotPublic } from "./policies/gcp-bigquery-dataset-not-public.ts";
import { gcpBillingBudgetPresent } from "./policies/gcp-billing-budget-present.ts";
import { gcpCloudfunctionsFunctionAppCheckEnabled } from "./policies/gcp-cloudfunctions-function-app-check-enabled.ts";
import { gcpCloudfunctionsFunctionDailyBudget } from "./policies/gcp-cloudfunctions-function-daily-budget.ts";
import { gcpCloudfunctionsFunctionInstanceLimits } from "./policies/gcp-cloudfunctions-function-instance-limits.ts";
import { gcpCloudfunctionsFunctionInternalIngress } from "./policies/gcp-cloudfunctions-function-internal-ingress.ts";
import { gcpCloudfunctionsFunctionNoDefaultServiceAccount } from "./policies/gcp-cloudfunctions-function-no-default-service-account.ts";
import { gcpCloudfunctionsFunctionNoEmulatorEnv } from "./policies/gcp-cloudfunctions-function-no-emulator-env.ts";
import { gcpCloudfunctionsFunctionNoPlainSecrets } from "./policies/gcp-cloudfunctions-function-no-plain-secrets.ts";
import { gcpCloudfunctionsFunctionRequestConcurrency } from "./policies/gcp-cloudfunctions-function-request-concurrency.ts";
import { gcpCloudfunctionsFunctionResourceLimits } from "./policies/gcp-cloudfunctions-function-resource-limits.ts";
import { gcpCloudfunctionsFunctionRuntime } from "./policies/gcp-cloudfunctions-function-runtime.ts";
import { gcpCloudfunctionsFunctionTierLimits } from "./policies/gcp-cloudfunctions-function-tier-limits.ts";
import { gcpCloudfunctionsFunctionUniqueServiceAccount } from "./policies/gcp-cloudfunctions-function-unique-service-account.ts";
import { gcpCloudfunctionsStackMaxInstancesTotal } from "./policies/gcp-cloudfunctions-stack-max-instances-total.ts";
import { gcpCloudtasksQueueRateLimits } from "./policies/gcp-cloudtasks-queue-rate-limits.ts";
import { gcpCloudtasksQueueRetryBounded } from "./policies/gcp-cloudtasks-queue-retry-bounded.ts";
import { gcpFirestoreDatabaseDeletionProtection } from "./policies/gcp-firestore-database-deletion-protection.ts";
import { gcpIamGrantNoPrimitiveRoles } from "./policies/gcp-iam-grant-no-primitive-roles.ts";
import { gcpIamGrantNoPublicPrincipals } from "./policies/gcp-iam-grant-no-public-principals.ts";
import { gcpIamProjectFunctionRolesAllowList } from "./policies/gcp-iam-project-function-roles-allow-list.ts";
import { gcpIamProjectNoImpersonationRoles } from "./policies/gcp-iam-project-no-impersonation-roles.ts";
import { gcpIamProjectStorageRolesBucketConditioned } from "./policies/gcp-iam-project-storage-roles-bucket-conditioned.ts";
import { gcpIamRunserviceInvokerAllowList } from "./policies/gcp-iam-runservice-invoker-allow-list.ts";
import { gcpIamServiceaccountNoUserManagedKeys } from "./policies/gcp-iam-serviceaccount-no-user-managed-keys.ts";
import { gcpLoggingSinkUniqueWriterIdentity } from "./policies/gcp-logging-sink-unique-writer-identity.ts";
import { gcpStorageBucketLifecycleRule } from "./policies/gcp-storage-bucket-lifecycle-rule.ts";
import { gcpStorageBucketPrivateAccess } from "./policies/gcp-storage-bucket-private-access.ts";
import { gcpStorageHmackeyDisallowed } from "./policies/gcp-storage-hmackey-disallowed.ts";
import type { PackPolicy } from "./policy.ts";

export const PACK_NAME = "genai-platform";

export const policies: readonly PackPolicy[] = [
  // IAM
  gcpIamGrantNoPrimitiveRoles,
  gcpIamGrantNoPublicPrincipals,
  gcpIamRunserviceInvokerAllowList,
  gcpIamServiceaccountNoUserManagedKeys,
  gcpStorageHmackeyDisallowed,
  gcpIamProjectNoImpersonationRoles,
  gcpIamProjectFunctionRolesAllowList,
  gcpIamProjectStorageRolesBucketConditioned,
  gcpCloudfunctionsFunctionNoDefaultServiceAccount,
  gcpCloudfunctionsFunctionUniqueServiceAccount,
  gcpLoggingSinkUniqueWriterIdentity,
  // Quotas and cost
  gcpCloudtasksQueueRateLimits,
  gcpCloudtasksQueueRetryBounded,
  gcpCloudfunctionsFunctionInstanceLimits,
  gcpCloudfunctionsFunctionResourceLimits,
  gcpCloudfunctionsFunctionRequestConcurrency,
  gcpCloudfunctionsStackMaxInstancesTotal,
  gcpCloudfunctionsFunctionTierLimits,
  gcpCloudfunctionsFunctionDailyBudget,
  gcpBillingBudgetPresent,
  // Abuse
  gcpCloudfunctionsFunctionAppCheckEnabled,
  // Data
  gcpStorageBucketPrivateAccess,
  gcpStorageBucketLifecycleRule,
  gcpBigqueryDatasetNotPublic,
  gcpBigqueryDatasetExpiration,
  gcpFirestoreDatabaseDeletionProtection,
  // Runtime hygiene
  gcpCloudfunctionsFunctionRuntime,
  gcpCloudfunctionsFunctionInternalIngress,
  gcpCloudfunctionsFunctionNoEmulatorEnv,
  gcpCloudfunctionsFunctionNoPlainSecrets,
  gcpAllResourcesRequiredLabels,
  gcpAllResourcesAllowedLocations,
];
