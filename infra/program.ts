// The whole backend for one stack, built from the platform definition and the stack's config.
// index.ts runs it under Pulumi; the offline plan and the tests run it under Pulumi's mocks.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { platform as definedPlatform, generationLogFilter, queuePath, serviceName } from "@genai-platform/definition";
import { type BundleResult, bundleAll, DEFAULT_BUNDLE_ROOT } from "@genai-platform/functions/bundle";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { Alerting } from "./components/alerting.ts";
import { Analytics } from "./components/analytics.ts";
import { Apis } from "./components/apis.ts";
import { BillingBudget } from "./components/billing-budget.ts";
import { CostAlerts } from "./components/cost-alerts.ts";
import { Firestore } from "./components/firestore.ts";
import { Functions } from "./components/functions.ts";
import { IamGrants } from "./components/iam-grants.ts";
import { Identities } from "./components/identities.ts";
import { Queues } from "./components/queues.ts";
import { requiredApis } from "./components/required-apis.ts";
import { Scheduler } from "./components/scheduler.ts";
import { Storage } from "./components/storage.ts";
import type { StackConfig } from "./config.ts";
import { PropagationWait } from "./dynamic/propagation-wait.ts";
import { grantsBeforeFunctions, grantsOnFunctions, planGrants } from "./grants.ts";
import { type Platform, standardLabels } from "./labels.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface ProgramOptions {
  /** The definition to provision. Default: the validated `@genai-platform/definition`. */
  platform?: Platform;
  /** Where bundles are written and cached. Default: node_modules/.cache/genai-platform/bundles. */
  bundleRoot?: string;
  /** Directory the definition's entry points are relative to. Default: the `functions/` workspace. */
  sourceRoot?: string;
  /** Security rules file. Default: firestore.rules at the repository root. */
  rulesPath?: string;
  /** The sink's log filter. Default: `generationLogFilter()` of the definition. */
  logFilter?: string;
}

export interface PlatformOutputs {
  functionUrls: Record<string, pulumi.Output<string>>;
  /** Cloud Run service URL (run.app) per function: what Cloud Tasks targets and the OIDC audience. */
  serviceUrls: Record<string, pulumi.Output<string>>;
  mediaBucket: pulumi.Output<string>;
  sourceBucket: pulumi.Output<string>;
  dataset: pulumi.Output<string>;
  /** Queue id per definition name. */
  queues: Record<string, pulumi.Output<string>>;
  /** Full Cloud Tasks path (`projects/P/locations/L/queues/Q`) per queue, as the functions receive it. */
  queuePaths: Record<string, pulumi.Output<string>>;
  tasksInvokerEmail: pulumi.Output<string>;
  /** The identity Cloud Scheduler calls the sweeper as, when one is scheduled. */
  schedulerEmail: pulumi.Output<string> | undefined;
}

/** Everything the resources need that is not a resource: validated config and built bundles. */
export interface PreparedPlatform {
  config: StackConfig;
  platform: Platform;
  bundles: readonly BundleResult[];
  options: ProgramOptions;
}

/** Bundles every deployable; fails (naming the function) before any resource is declared. */
export async function preparePlatform(config: StackConfig, options: ProgramOptions = {}): Promise<PreparedPlatform> {
  const platform = options.platform ?? definedPlatform;
  const bundles = await bundleAll(
    platform.functions,
    options.bundleRoot ?? DEFAULT_BUNDLE_ROOT,
    options.sourceRoot ? { rootDir: options.sourceRoot } : {},
  );
  return { config, platform, bundles, options };
}

export async function definePlatform(config: StackConfig, options: ProgramOptions = {}): Promise<PlatformOutputs> {
  return createPlatform(await preparePlatform(config, options));
}

/**
 * The project's billing budget, when the stack names its billing account: the account is not a
 * resource of the project, and a stack without it (a sandbox, the offline plan of a fork) still deploys.
 */
function createBillingBudget(
  config: StackConfig,
  projectNumber: pulumi.Input<string>,
  channel: pulumi.Input<string>,
  opts: pulumi.ComponentResourceOptions,
): BillingBudget | undefined {
  if (config.billingAccountId === undefined || config.monthlyBudgetUsd === undefined) {
    pulumi.log.info("billing budget skipped: genai-platform:billingAccountId is not set for this stack");
    return undefined;
  }
  return new BillingBudget(
    "billing",
    {
      billingAccountId: config.billingAccountId,
      projectNumber,
      monthlyAmountUsd: config.monthlyBudgetUsd,
      notificationChannel: channel,
      environment: config.environment,
    },
    opts,
  );
}

/** Declares every resource of the stack. */
export function createPlatform(prepared: PreparedPlatform): PlatformOutputs {
  const { config, platform, bundles: bundleList, options } = prepared;
  const { project, region } = config;
  const labels = standardLabels(config.environment);
  const bundles = Object.fromEntries(bundleList.map((b) => [b.name, b]));

  const apis = new Apis("apis", {
    project,
    services: requiredApis(config),
    propagationSeconds: config.iamPropagationSeconds,
  });
  const after = { dependsOn: [apis.ready] };

  const identities = new Identities("identities", { project, platform, environment: config.environment }, after);
  const queues = new Queues("queues", { project, location: region, queues: platform.queues }, after);
  const storage = new Storage(
    "storage",
    {
      project,
      location: region,
      mediaRetentionDays: config.mediaRetentionDays,
      webOrigins: config.webOrigins,
      labels,
      forceDestroy: !config.deletionProtection,
    },
    after,
  );
  new Firestore(
    "firestore",
    {
      project,
      location: config.firestoreLocation,
      platform,
      rulesPath: options.rulesPath ?? resolve(REPO_ROOT, "firestore.rules"),
      deletionProtection: config.deletionProtection,
      quotaProject: config.billingProject,
    },
    after,
  );
  const analytics = new Analytics(
    "analytics",
    {
      project,
      location: config.datasetLocation,
      partitionExpirationDays: config.logTableExpirationDays,
      event: platform.generationEvent,
      filter: options.logFilter ?? generationLogFilter(),
      labels,
      deletionProtection: config.deletionProtection,
    },
    after,
  );

  // The lookup goes to Resource Manager, whose API the stack enables: with the quota-project
  // override it would be billed to a project where that API may not be on yet.
  const projectInfo = gcp.organizations.getProjectOutput(
    { projectId: project },
    { provider: apis.provider, dependsOn: [apis.ready] },
  );
  // Google creates the Vertex AI service agent lazily; make sure it exists before granting to it.
  const vertexAgent = new gcp.projects.ServiceIdentity(
    "vertex-ai-service-agent",
    { project, service: "aiplatform.googleapis.com" },
    after,
  );
  const account = (sa: gcp.serviceaccount.Account) => ({ member: sa.member, name: sa.name });
  const grants = planGrants(platform, { appCheckConsume: config.appCheckConsume });
  const grantArgs = {
    project,
    region,
    projectNumber: projectInfo.number,
    functionAccounts: Object.fromEntries(Object.entries(identities.functions).map(([n, sa]) => [n, account(sa)])),
    tasksInvoker: account(identities.tasksInvoker),
    builder: account(identities.builder),
    ...(identities.scheduler ? { scheduler: account(identities.scheduler) } : {}),
    vertexAiServiceAgent: pulumi.interpolate`serviceAccount:service-${projectInfo.number}@gcp-sa-aiplatform.iam.gserviceaccount.com`,
    logSinkWriter: analytics.sink.writerIdentity,
    mediaBucket: storage.mediaBucket.name,
    sourceBucket: storage.sourceBucket.name,
    imageRepository: storage.imageRepository.repositoryId,
    queues: Object.fromEntries(Object.entries(queues.queues).map(([n, q]) => [n, q.name])),
    datasetId: analytics.dataset.datasetId,
  };
  const before = new IamGrants(
    "iam",
    { ...grantArgs, grants: grantsBeforeFunctions(grants), runServices: {} },
    { dependsOn: [apis.ready, vertexAgent] },
  );
  const iamPropagation = new PropagationWait(
    "iam-propagation",
    { seconds: config.iamPropagationSeconds, triggers: before.members.map((m) => m.urn) },
    { dependsOn: [before, vertexAgent] },
  );

  const functions = new Functions(
    "functions",
    {
      project,
      region,
      functions: platform.functions,
      bundles,
      serviceAccountEmails: Object.fromEntries(Object.entries(identities.functions).map(([n, sa]) => [n, sa.email])),
      projectNumber: projectInfo.number,
      sourceBucket: storage.sourceBucket.name,
      buildServiceAccount: identities.builder.name,
      dockerRepository: pulumi.interpolate`projects/${project}/locations/${region}/repositories/${storage.imageRepository.repositoryId}`,
      env: {
        environment: config.environment,
        project,
        region,
        models: config.models,
        mediaBucket: storage.mediaBucket.name,
        tierLimits: config.tierLimits ?? platform.tiers,
        webOrigins: config.webOrigins,
        tasksInvokerEmail: identities.tasksInvoker.email,
        signedUrlTtlSeconds: config.signedUrlTtlSeconds,
        ...(config.signInProviders ? { signInProviders: config.signInProviders } : {}),
        requireEmailVerified: config.requireEmailVerified,
        appCheck: { mode: config.appCheck, consume: config.appCheckConsume },
        // App Check tokens name the project by number (issuer and audience).
        projectNumber: projectInfo.number,
        ...(config.dailyBudgetUsd === undefined ? {} : { dailyBudgetUsd: config.dailyBudgetUsd }),
      },
      labels,
      minInstances: config.minInstances,
    },
    // Built only once the build identity can read its sources and the runtime identities hold
    // their roles, everywhere: https://cloud.google.com/iam/docs/access-change-propagation
    { dependsOn: [iamPropagation] },
  );

  const invokers = new IamGrants(
    "iam-invokers",
    {
      ...grantArgs,
      grants: grantsOnFunctions(grants),
      // Same member names as when every grant lived in `iam`: moving them changes no URN.
      memberPrefix: "iam",
      runServices: Object.fromEntries(
        Object.entries(functions.functions).map(([n, f]) => [
          n,
          f.serviceConfig.apply((s) => s?.service ?? serviceName(n)),
        ]),
      ),
    },
    { dependsOn: [apis.ready] },
  );

  // The schedule starts once its identity may invoke the sweeper: a first run before the grant
  // would only be refused (and covered by the next), but there is no reason to start with a 403.
  const scheduled = platform.functions.find((f) => f.trigger === "schedule");
  if (scheduled && identities.scheduler) {
    const sweeper = functions.functions[scheduled.name];
    if (!sweeper) throw new Error(`Scheduler: no function ${scheduled.name} to schedule`);
    new Scheduler(
      "scheduler",
      {
        project,
        region,
        functionName: scheduled.name,
        schedule: platform.sweeper.schedule,
        serviceUrl: sweeper.serviceConfig.apply((c) => c?.uri ?? ""),
        serviceAccountEmail: identities.scheduler.email,
        attemptDeadlineSeconds: scheduled.timeoutSeconds,
      },
      { dependsOn: [apis.ready, invokers] },
    );
  }

  const alerting = new Alerting(
    "alerting",
    {
      project,
      email: config.alertEmail,
      services: platform.functions.map((f) => serviceName(f.name)),
      queues: platform.queues,
      labels,
    },
    after,
  );
  new CostAlerts(
    "cost",
    {
      project,
      channel: alerting.channel.name,
      generationFilter: options.logFilter ?? generationLogFilter(),
      ...(config.dailyBudgetUsd === undefined ? {} : { dailyBudgetUsd: config.dailyBudgetUsd }),
      labels,
    },
    after,
  );
  createBillingBudget(config, projectInfo.number, alerting.channel.name, after);

  return {
    functionUrls: Object.fromEntries(Object.entries(functions.functions).map(([n, f]) => [n, f.url])),
    serviceUrls: Object.fromEntries(
      Object.entries(functions.functions).map(([n, f]) => [n, f.serviceConfig.apply((c) => c?.uri ?? "")]),
    ),
    mediaBucket: storage.mediaBucket.name,
    sourceBucket: storage.sourceBucket.name,
    dataset: analytics.dataset.datasetId,
    queues: Object.fromEntries(Object.entries(queues.queues).map(([n, q]) => [n, q.name])),
    queuePaths: Object.fromEntries(
      Object.entries(queues.queues).map(([n, q]) => [n, q.name.apply((id) => queuePath(project, region, id))]),
    ),
    tasksInvokerEmail: identities.tasksInvoker.email,
    schedulerEmail: identities.scheduler?.email,
  };
}
