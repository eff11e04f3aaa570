// The sweeper's schedule: one Cloud Scheduler job in the functions' region that POSTs to the
// sweeper's Cloud Run service URL with an OIDC token of the scheduler identity, on the cron of the
// definition's `sweeper` block.
import { serviceName } from "@genai-platform/definition";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface SchedulerArgs {
  /** Project the job lives in (the scheduler identity must belong to the same project). */
  project: string;
  /** Region of the job: the functions' region. */
  region: string;
  /** Name of the scheduled function, for the job's name and description. */
  functionName: string;
  /** Unix-cron schedule, from the definition's `sweeper.schedule`. */
  schedule: string;
  /** The function's Cloud Run service URL (run.app): the target and the token's audience. */
  serviceUrl: pulumi.Input<string>;
  /** Email of the identity whose OIDC token the job attaches. */
  serviceAccountEmail: pulumi.Input<string>;
  /** Seconds Cloud Scheduler waits for one attempt: the function's timeout (15-1800). */
  attemptDeadlineSeconds: number;
  /** Time zone of the schedule. Default: `Etc/UTC`. */
  timeZone?: string;
}

export class Scheduler extends pulumi.ComponentResource {
  readonly job: gcp.cloudscheduler.Job;

  constructor(name: string, args: SchedulerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Scheduler", name, {}, opts);
    const normalized = normalizeSchedulerArgs(args);
    this.job = createJob(this, name, normalized);
    this.registerOutputs({ job: this.job.name });
  }
}

/**
 * Cloud Scheduler waits 15 s to 30 min for an HTTP target's attempt.
 * Source: https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#Job (attemptDeadline)
 */
const ATTEMPT_DEADLINE_RANGE = { min: 15, max: 1800 } as const;

function normalizeSchedulerArgs(args: SchedulerArgs) {
  const { min, max } = ATTEMPT_DEADLINE_RANGE;
  if (args.attemptDeadlineSeconds < min || args.attemptDeadlineSeconds > max) {
    throw new Error(
      `Scheduler: attemptDeadlineSeconds ${args.attemptDeadlineSeconds} is outside Cloud Scheduler's ${min}-${max} s`,
    );
  }
  if (!/^(\S+\s+){4}\S+$/.test(args.schedule)) {
    throw new Error(`Scheduler: schedule "${args.schedule}" is not a five-field unix-cron expression`);
  }
  // The schedule is read in a tz-database time zone; UTC keeps the runs evenly spaced across
  // daylight-saving changes.
  // Source: https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules
  return { ...args, timeZone: args.timeZone ?? "Etc/UTC" };
}

function createJob(parent: pulumi.Resource, prefix: string, args: ReturnType<typeof normalizeSchedulerArgs>) {
  return new gcp.cloudscheduler.Job(
    `${prefix}-${args.functionName}`,
    {
      project: args.project,
      region: args.region,
      // Named as the function's Cloud Run service, so the job and its target read alike.
      name: serviceName(args.functionName),
      description: `Runs ${args.functionName} on its schedule.`,
      schedule: args.schedule,
      timeZone: args.timeZone,
      attemptDeadline: `${args.attemptDeadlineSeconds}s`,
      // One quick retry absorbs a cold start or a brief store outage; more would be pointless: every
      // job's deadline is over an hour, and the next scheduled run covers a run that failed twice.
      // Google's pages disagree on whether retries stop at the next scheduled time (the RetryConfig
      // reference) or may make it be skipped (the retry guide); the safe reading is to finish
      // retrying well inside one period: one retry, 30 s after a failed attempt of at most 120 s.
      // Source: https://cloud.google.com/scheduler/docs/configuring/retry-jobs ;
      // https://cloud.google.com/php/docs/reference/cloud-scheduler/latest/V1.RetryConfig
      retryConfig: {
        retryCount: 1,
        minBackoffDuration: "30s",
        maxBackoffDuration: "30s",
        maxDoublings: 0,
        maxRetryDuration: "0s",
      },
      httpTarget: {
        // The run.app URL: with internal-only ingress Cloud Run counts Cloud Scheduler's requests
        // from the same project as internal only on that URL, and it is the audience Cloud Run accepts.
        // Source: https://cloud.google.com/run/docs/securing/ingress
        uri: args.serviceUrl,
        // No body: a sweep takes no input.
        httpMethod: "POST",
        // Cloud Scheduler's service agent mints this token: its role roles/cloudscheduler.serviceAgent,
        // which Google grants when the API is enabled, carries iam.serviceAccounts.getOpenIdToken, so
        // the program grants it nothing (and must never revoke it: the calls would get 403).
        // Source: https://cloud.google.com/scheduler/docs/http-target-auth ;
        // https://cloud.google.com/iam/docs/roles-permissions/cloudscheduler
        // Whoever creates the job needs iam.serviceAccounts.actAs on this identity (the deployer).
        // Source: https://cloud.google.com/ruby/docs/reference/google-cloud-scheduler-v1/latest/Google-Cloud-Scheduler-V1-OidcToken
        oidcToken: { serviceAccountEmail: args.serviceAccountEmail, audience: args.serviceUrl },
      },
    },
    { parent },
  );
}
