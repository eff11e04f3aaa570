// One service account per function, one for Cloud Tasks to call workers with, one for Cloud
// Scheduler to call the sweeper with, and one that builds the functions. No keys: every identity is used by Google-managed runtimes only.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "../labels.ts";

export interface IdentitiesArgs {
  /** Project the accounts live in. */
  project: string;
  /** Functions (each with its own `serviceAccountId`) and the tasks invoker's account id. */
  platform: Pick<Platform, "functions" | "tasksInvokerServiceAccountId">;
  /** Environment name shown in the display names. */
  environment: string;
  /** Account id of the functions' build identity. Default: `fn-builder`. */
  builderAccountId?: string;
}

export class Identities extends pulumi.ComponentResource {
  /** Service account per function name. */
  readonly functions: Record<string, gcp.serviceaccount.Account>;
  /** The identity whose OIDC token Cloud Tasks attaches to worker calls. */
  readonly tasksInvoker: gcp.serviceaccount.Account;
  /** The identity Cloud Build runs as when it turns function sources into images. */
  readonly builder: gcp.serviceaccount.Account;
  /** The identity whose OIDC token Cloud Scheduler attaches to the sweeper's calls, if one is scheduled. */
  readonly scheduler: gcp.serviceaccount.Account | undefined;

  constructor(name: string, args: IdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Identities", name, {}, opts);
    const { project, accounts, invokerId, builderId, schedulerId, environment } = normalizeIdentitiesArgs(args);
    this.functions = {};
    for (const { fn, accountId, description } of accounts) {
      this.functions[fn] = new gcp.serviceaccount.Account(
        `${name}-${accountId}`,
        { project, accountId, displayName: `${fn} (${environment})`, description },
        { parent: this },
      );
    }
    this.tasksInvoker = new gcp.serviceaccount.Account(
      `${name}-${invokerId}`,
      {
        project,
        accountId: invokerId,
        displayName: `Cloud Tasks worker invoker (${environment})`,
        description: "Signs the OIDC token Cloud Tasks sends to task-triggered workers.",
      },
      { parent: this },
    );
    this.builder = new gcp.serviceaccount.Account(
      `${name}-${builderId}`,
      {
        project,
        accountId: builderId,
        displayName: `Cloud Functions builder (${environment})`,
        description: "Builds the function images: reads source bundles, pushes images, writes build logs.",
      },
      { parent: this },
    );
    // Its own account, not the Cloud Scheduler service agent, which Google says cannot sign for
    // HTTP targets; it must live in the job's project.
    // Source: https://cloud.google.com/scheduler/docs/http-target-auth
    this.scheduler = schedulerId
      ? new gcp.serviceaccount.Account(
          `${name}-${schedulerId}`,
          {
            project,
            accountId: schedulerId,
            displayName: `Cloud Scheduler sweeper invoker (${environment})`,
            description: "Signs the OIDC token Cloud Scheduler sends to the scheduled sweeper.",
          },
          { parent: this },
        )
      : undefined;
    this.registerOutputs({
      functions: Object.fromEntries(Object.entries(this.functions).map(([fn, sa]) => [fn, sa.email])),
      tasksInvoker: this.tasksInvoker.email,
      builder: this.builder.email,
      scheduler: this.scheduler?.email,
    });
  }
}

function normalizeIdentitiesArgs(args: IdentitiesArgs) {
  return {
    project: args.project,
    environment: args.environment,
    invokerId: args.platform.tasksInvokerServiceAccountId,
    builderId: args.builderAccountId ?? "fn-builder",
    schedulerId: args.platform.functions.find((fn) => fn.trigger === "schedule")?.schedulerServiceAccountId,
    accounts: args.platform.functions.map((fn) => ({
      fn: fn.name,
      accountId: fn.serviceAccountId,
      description: `Runtime identity of the ${fn.name} function only.`,
    })),
  };
}
