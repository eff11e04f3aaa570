// Which resource types take user labels, and under which input: checked against @pulumi/gcp's own
// argument types by labels.test.ts, so a renamed field fails a test instead of silently passing.
import * as gcp from "@pulumi/gcp";
import { pulumiType } from "./values.ts";

const entries: [unknown, string][] = [
  [gcp.cloudfunctionsv2.Function, "labels"],
  [gcp.cloudfunctions.Function, "labels"],
  [gcp.cloudrunv2.Service, "labels"],
  [gcp.cloudrunv2.Job, "labels"],
  [gcp.storage.Bucket, "labels"],
  [gcp.bigquery.Dataset, "labels"],
  [gcp.bigquery.Table, "labels"],
  // A notification channel's `labels` is its configuration (e.g. email_address): user labels live apart.
  [gcp.monitoring.NotificationChannel, "userLabels"],
  [gcp.monitoring.AlertPolicy, "userLabels"],
  [gcp.pubsub.Topic, "labels"],
  [gcp.pubsub.Subscription, "labels"],
  [gcp.secretmanager.Secret, "labels"],
  [gcp.artifactregistry.Repository, "labels"],
  [gcp.kms.CryptoKey, "labels"],
  [gcp.compute.Instance, "labels"],
  [gcp.compute.Disk, "labels"],
  [gcp.redis.Instance, "labels"],
  [gcp.workflows.Workflow, "labels"],
  [gcp.container.Cluster, "resourceLabels"],
];

/** Input holding user labels, by Pulumi type token. */
export const LABEL_INPUTS: ReadonlyMap<string, string> = new Map(entries.map(([cls, key]) => [pulumiType(cls), key]));
