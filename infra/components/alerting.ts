// Alerts to the configured address: function 5xx rate, Cloud Tasks failed attempts, and queue
// backlog (more than `backlogSeconds` of work waiting at the queue's provisioned rate).

import type { QueueDefinition } from "@genai-platform/definition";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface AlertingArgs {
  /** Project of the channel and policies. */
  project: string;
  /** Address that receives notifications. */
  email: string;
  /** Cloud Run service names of the functions to watch. */
  services: readonly string[];
  /** Queues to watch (backlog threshold derives from each rate). */
  queues: readonly QueueDefinition[];
  /** Labels (env, managed-by) for the channel and policies. */
  labels: Record<string, string>;
  /** 5xx responses per second, per service, that raise an alert. Default: 0.05 (15 in 5 minutes). */
  errorRatePerSecond?: number;
  /** Failed task attempts per second, per queue, that raise an alert. Default: 0.1. */
  taskFailureRatePerSecond?: number;
  /** Backlog alert when the queue holds more than this many seconds of work at its rate. Default: 600. */
  backlogSeconds?: number;
}

export class Alerting extends pulumi.ComponentResource {
  readonly channel: gcp.monitoring.NotificationChannel;
  readonly policies: gcp.monitoring.AlertPolicy[];

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Alerting", name, {}, opts);
    const normalized = normalizeAlertingArgs(args);
    this.channel = new gcp.monitoring.NotificationChannel(
      `${name}-email`,
      {
        project: normalized.project,
        type: "email",
        displayName: `genai-platform alerts (${normalized.labels.env ?? "unknown"})`,
        labels: { email_address: normalized.email },
        userLabels: normalized.labels,
      },
      { parent: this },
    );
    this.policies = [
      createPolicy(this, `${name}-function-5xx`, normalized, this.channel, functionErrorPolicy(normalized)),
      createPolicy(this, `${name}-task-failures`, normalized, this.channel, taskFailurePolicy(normalized)),
      createPolicy(this, `${name}-task-backlog`, normalized, this.channel, backlogPolicy(normalized)),
    ];
    this.registerOutputs({ channel: this.channel.name });
  }
}

type Normalized = ReturnType<typeof normalizeAlertingArgs>;

function normalizeAlertingArgs(args: AlertingArgs) {
  return {
    ...args,
    errorRatePerSecond: args.errorRatePerSecond ?? 0.05,
    taskFailureRatePerSecond: args.taskFailureRatePerSecond ?? 0.1,
    backlogSeconds: args.backlogSeconds ?? 600,
  };
}

interface PolicySpec {
  displayName: string;
  severity: "ERROR" | "WARNING";
  documentation: string;
  conditions: gcp.types.input.monitoring.AlertPolicyCondition[];
}

const oneOf = (values: readonly string[]) => `one_of(${values.map((v) => `"${v}"`).join(", ")})`;

function rateCondition(displayName: string, filter: string, groupBy: string, threshold: number) {
  return {
    displayName,
    conditionThreshold: {
      filter,
      comparison: "COMPARISON_GT",
      thresholdValue: threshold,
      duration: "300s",
      aggregations: [
        {
          alignmentPeriod: "300s",
          perSeriesAligner: "ALIGN_RATE",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: [groupBy],
        },
      ],
    },
  };
}

function functionErrorPolicy(args: Normalized): PolicySpec {
  return {
    displayName: "Functions: 5xx responses",
    severity: "ERROR",
    documentation: "A function answers 5xx: check its logs (Cloud Run revision) and the generation events.",
    conditions: [
      rateCondition(
        "5xx rate per function",
        [
          'resource.type = "cloud_run_revision"',
          'metric.type = "run.googleapis.com/request_count"',
          'metric.labels.response_code_class = "5xx"',
          `resource.labels.service_name = ${oneOf(args.services)}`,
        ].join(" AND "),
        "resource.labels.service_name",
        args.errorRatePerSecond,
      ),
    ],
  };
}

function taskFailurePolicy(args: Normalized): PolicySpec {
  return {
    displayName: "Cloud Tasks: failed attempts",
    severity: "WARNING",
    documentation: "Workers answer non-2xx (retryable model errors, or failures): check worker logs and model quota.",
    conditions: [
      rateCondition(
        "failed task attempts per queue",
        [
          'resource.type = "cloud_tasks_queue"',
          'metric.type = "cloudtasks.googleapis.com/queue/task_attempt_count"',
          'metric.labels.response_code != "ok"',
          `resource.labels.queue_id = ${oneOf(args.queues.map((q) => q.name))}`,
        ].join(" AND "),
        "resource.labels.queue_id",
        args.taskFailureRatePerSecond,
      ),
    ],
  };
}

function backlogPolicy(args: Normalized): PolicySpec {
  return {
    displayName: "Cloud Tasks: backlog",
    severity: "WARNING",
    documentation: `A queue holds more than ${args.backlogSeconds} s of work at its provisioned rate.`,
    conditions: args.queues.map((queue) => ({
      displayName: `${queue.name} depth`,
      conditionThreshold: {
        filter: [
          'resource.type = "cloud_tasks_queue"',
          'metric.type = "cloudtasks.googleapis.com/queue/depth"',
          `resource.labels.queue_id = "${queue.name}"`,
        ].join(" AND "),
        comparison: "COMPARISON_GT",
        thresholdValue: Math.ceil(queue.maxDispatchesPerSecond * args.backlogSeconds),
        duration: "900s",
        aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_MAX" }],
      },
    })),
  };
}

function createPolicy(
  parent: pulumi.Resource,
  name: string,
  args: Normalized,
  channel: gcp.monitoring.NotificationChannel,
  spec: PolicySpec,
): gcp.monitoring.AlertPolicy {
  return new gcp.monitoring.AlertPolicy(
    name,
    {
      project: args.project,
      displayName: spec.displayName,
      severity: spec.severity,
      combiner: "OR",
      conditions: spec.conditions,
      notificationChannels: [channel.name],
      documentation: { content: spec.documentation, mimeType: "text/markdown" },
      alertStrategy: { autoClose: "1800s" },
      userLabels: args.labels,
    },
    { parent },
  );
}
