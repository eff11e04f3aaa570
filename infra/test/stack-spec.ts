// The assertions every stack must satisfy, evaluated on the real program under Pulumi's mocks.
// dev.test.ts and prod.test.ts each run them for their own stack (one evaluation per file).

import {
  type FunctionName,
  generationLogFilter,
  platform,
  queueEnvKeys,
  serviceName,
} from "@genai-platform/definition";
import { predictedFunctionUrl } from "@genai-platform/definition/function-env";
import { loadRuntimeConfig, spendsOnGeneration } from "@genai-platform/definition/runtime-config";
import { beforeAll, describe, expect, it } from "vitest";
import { LOG_TABLE, logTableSchema } from "../analytics-sql.ts";
import { DEFAULT_PROPAGATION_SECONDS } from "../dynamic/propagation-wait.ts";
import { PROJECT_LEVEL_ROLES } from "../grants.ts";
import type { Program } from "../plan/evaluate.ts";
import { MOCK_PROJECT_NUMBER } from "../plan/mocks.ts";
import { EXPECTED_GRANTS, iamMembers, stackGrantRows } from "./expected-grants.ts";
import { evaluateForTest, type StackUnderTest, TYPES } from "./harness.ts";

const PRIMITIVE = /^roles\/(owner|editor|viewer)$/;
const workers = platform.functions.filter((f) => f.trigger === "task");
const httpsFunctions = platform.functions.filter((f) => f.trigger === "https");
const sweeper = platform.functions.find((f) => f.trigger === "schedule")!;

export function describeStack(stack: "dev" | "prod", program?: Program): void {
  describe(`the ${stack} stack`, () => {
    let s: StackUnderTest;
    let project: string;
    const email = (id: string) => `${id}@${project}.iam.gserviceaccount.com`;
    const fnResource = (name: string) => s.findResource(TYPES.fn, `functions-${serviceName(name)}`);
    const env = (name: string) => fnResource(name).inputs.serviceConfig.environmentVariables as Record<string, string>;
    const members = () => iamMembers(s);

    beforeAll(async () => {
      s = await evaluateForTest(stack, program);
      project = s.config["gcp:project"]!;
    });

    it("creates every expected resource", () => {
      for (const fn of platform.functions) {
        s.findResource(TYPES.account, `identities-${fn.serviceAccountId}`);
        fnResource(fn.name);
        s.findResource(TYPES.object, `functions-${serviceName(fn.name)}-source`);
      }
      s.findResource(TYPES.account, `identities-${platform.tasksInvokerServiceAccountId}`);
      s.findResource(TYPES.account, "identities-fn-builder");
      if (sweeper.trigger === "schedule") {
        s.findResource(TYPES.account, `identities-${sweeper.schedulerServiceAccountId}`);
      }
      s.findResource(TYPES.schedulerJob, "scheduler-sweepJobs");
      s.findResource(TYPES.repository, "storage-function-images");
      for (const queue of platform.queues) s.findResource(TYPES.queue, `queues-${queue.name}`);
      s.findResource(TYPES.bucket, "storage-media");
      s.findResource(TYPES.bucket, "storage-fn-source");
      s.findResource(TYPES.database, "firestore-database");
      expect(s.all(TYPES.index)).toHaveLength(platform.indexes.length);
      expect(
        s
          .all(TYPES.field)
          .map((f) => `${f.inputs.collection}/${f.inputs.field}`)
          .sort(),
      ).toEqual([
        "budgetShards/dailyMicroUsd",
        "budgetShards/day",
        "budgetShards/expireAt",
        "budgetShards/reservedMicroUsd",
        "budgetShards/shard",
        "idempotencyKeys/expireAt",
        "jobs/expireAt",
        "jobs/lease.expiresAt",
        "jobs/updatedAt",
        "usage/expireAt",
      ]);
      s.findResource(TYPES.ruleset, "firestore-rules");
      expect(s.findResource(TYPES.release, "firestore-rules-release").inputs.release).toBe("cloud.firestore");
      s.findResource(TYPES.dataset, "analytics-dataset");
      s.findResource(TYPES.sink, "analytics-sink");
      s.findResource(TYPES.table, "analytics-generation-success-rate-daily");
      s.findResource(TYPES.table, "analytics-generation-latency-daily");
      s.findResource(TYPES.table, "analytics-cost-daily");
      s.findResource(TYPES.table, "analytics-top-spenders-daily");
      s.findResource(TYPES.channel, "alerting-email");
      s.findResource(TYPES.logMetric, "cost-metric");
      // 5xx, task failures, backlog, budget exhausted, and the daily spend alert when a budget is set.
      const daily = s.config["genai-platform:dailyBudgetUsd"] === undefined ? 0 : 1;
      expect(s.all(TYPES.alert)).toHaveLength(4 + daily);
      expect(s.all(TYPES.service).map((r) => r.inputs.service)).toContain("cloudtasks.googleapis.com");
    });

    it("calls the sweeper on the definition's cron, in UTC, at its run.app URL with the scheduler's OIDC token", () => {
      if (sweeper.trigger !== "schedule") throw new Error("the sweeper must be a schedule function");
      const job = s.findResource(TYPES.schedulerJob, "scheduler-sweepJobs").inputs;
      const serviceUrl = s.outputs.serviceUrls[sweeper.name];
      expect(serviceUrl).toMatch(/^https:\/\/sweep-jobs-[a-z0-9-]+(\.[a-z0-9-]+)?\.run\.app$/);
      expect(job).toMatchObject({
        project,
        region: s.config["gcp:region"],
        schedule: platform.sweeper.schedule,
        timeZone: "Etc/UTC",
        attemptDeadline: `${sweeper.timeoutSeconds}s`,
        retryConfig: { retryCount: 1 },
      });
      expect(job.httpTarget).toEqual({
        uri: serviceUrl,
        httpMethod: "POST",
        oidcToken: { serviceAccountEmail: email(sweeper.schedulerServiceAccountId), audience: serviceUrl },
      });
      expect(s.outputs.schedulerEmail).toBe(email(sweeper.schedulerServiceAccountId));
    });

    it("lets only the scheduler identity invoke the sweeper, on that one service, and keeps it internal", () => {
      if (sweeper.trigger !== "schedule") throw new Error("the sweeper must be a schedule function");
      expect(fnResource(sweeper.name).inputs.serviceConfig).toMatchObject({
        ingressSettings: "ALLOW_INTERNAL_ONLY",
        maxInstanceCount: 1,
        maxInstanceRequestConcurrency: 1,
      });
      const scheduler = `serviceAccount:${email(sweeper.schedulerServiceAccountId)}`;
      const held = members().filter((m) => m.inputs.member === scheduler);
      expect(held.map((m) => [m.type, m.inputs.role, m.inputs.name])).toEqual([
        [TYPES.runMember, "roles/run.invoker", serviceName(sweeper.name)],
      ]);
      const onService = members().filter(
        (m) => m.type === TYPES.runMember && m.inputs.name === serviceName(sweeper.name),
      );
      expect(onService.map((m) => m.inputs.member)).toEqual([scheduler]);
      // The job starts once the invoker grant exists, after the APIs (Cloud Scheduler's among them).
      // (A dependency on a component is recorded as one on each of its children.)
      const component = s.findResource(TYPES.scheduler, "scheduler");
      for (const grant of onService) expect(component.dependsOn).toContain(grant.urn);
      expect(component.dependsOn).toContain(s.findResource(TYPES.wait, "apis-propagation").urn);
      const apis = s.all(TYPES.service).map((r) => r.inputs.service);
      expect(apis).toContain("cloudscheduler.googleapis.com");
      const ready = s.findResource(TYPES.wait, "apis-propagation");
      const schedulerApi = s.all(TYPES.service).find((r) => r.inputs.service === "cloudscheduler.googleapis.com")!;
      expect(ready.dependsOn).toContain(schedulerApi.urn);
    });

    it("exempts rising timestamps from single-field indexing, in the same field resource as their TTL policy", () => {
      const field = (name: string) => s.findResource(TYPES.field, name).inputs;
      expect(field("firestore-ttl-jobs-expireAt")).toMatchObject({ ttlConfig: {}, indexConfig: {} });
      expect(field("firestore-ttl-usage-expireAt")).toMatchObject({ ttlConfig: {}, indexConfig: {} });
      expect(field("firestore-ttl-idempotencyKeys-expireAt")).toMatchObject({ ttlConfig: {}, indexConfig: {} });
      expect(field("firestore-ttl-budgetShards-expireAt")).toMatchObject({ ttlConfig: {}, indexConfig: {} });
      expect(field("firestore-field-budgetShards-reservedMicroUsd")).toMatchObject({
        collection: "budgetShards",
        indexConfig: {},
      });
      const updatedAt = field("firestore-field-jobs-updatedAt");
      expect(updatedAt).toMatchObject({ collection: "jobs", field: "updatedAt", indexConfig: {} });
      expect(updatedAt.ttlConfig).toBeUndefined();
      expect(field("firestore-field-jobs-lease-expiresAt")).toMatchObject({
        field: "lease.expiresAt",
        indexConfig: {},
      });
      // An empty index config drops every single-field index: none may list one.
      for (const f of s.all(TYPES.field)) expect(f.inputs.indexConfig?.indexes ?? [], f.name).toEqual([]);
    });

    it("keeps indexed every field a declared index or query needs", () => {
      const exempted = new Set(
        s
          .all(TYPES.field)
          .filter((f) => f.inputs.indexConfig)
          .map((f) => `${f.inputs.collection}/${f.inputs.field}`),
      );
      const needed = [
        ...platform.indexes.flatMap((i) => i.fields.map((f) => `${i.collection}/${f.path}`)),
        ...platform.collections.flatMap((c) =>
          ("queries" in c ? c.queries : []).flatMap((q) => q.fields.map((f) => `${c.id}/${f}`)),
        ),
      ];
      expect(needed).toContain("jobs/createdAt");
      for (const field of needed) expect(exempted.has(field), field).toBe(false);
    });

    it("grants exactly the expected roles, each on its narrowest resource", () => {
      const rows = stackGrantRows(s);
      expect([...rows].sort()).toEqual([...EXPECTED_GRANTS].sort());
    });

    it("never lets anyone act as or mint tokens for every service account of the project", () => {
      const projectRoles = members()
        .filter((m) => m.type === TYPES.projectMember)
        .map((m) => m.inputs.role);
      expect(projectRoles).not.toContain("roles/iam.serviceAccountUser");
      expect(projectRoles).not.toContain("roles/iam.serviceAccountTokenCreator");
    });

    it("grants no primitive role anywhere", () => {
      const text = JSON.stringify(s.resources);
      expect(text).not.toMatch(/"roles\/(owner|editor|viewer)"/);
      for (const m of members()) expect(m.inputs.role).not.toMatch(PRIMITIVE);
    });

    it("gives every function its own service account and creates no keys", () => {
      const identities = platform.functions.map((fn) => fnResource(fn.name).inputs.serviceConfig.serviceAccountEmail);
      expect(new Set(identities).size).toBe(platform.functions.length);
      for (const fn of platform.functions) {
        expect(fnResource(fn.name).inputs.serviceConfig.serviceAccountEmail).toBe(email(fn.serviceAccountId));
      }
      expect(s.all(TYPES.accountKey)).toEqual([]);
      expect(s.all(TYPES.hmacKey)).toEqual([]);
    });

    it.each(workers.map((w) => [w.name]))(
      "keeps the worker %s internal and invokable only by the tasks identity",
      (name) => {
        expect(fnResource(name).inputs.serviceConfig.ingressSettings).toBe("ALLOW_INTERNAL_ONLY");
        const onService = members().filter((m) => m.type === TYPES.runMember && m.inputs.name === serviceName(name));
        expect(onService.map((m) => [m.inputs.role, m.inputs.member])).toEqual([
          ["roles/run.invoker", `serviceAccount:${email(platform.tasksInvokerServiceAccountId)}`],
        ]);
      },
    );

    it.each(httpsFunctions.map((f) => [f.name]))("lets all users invoke the public function %s", (name) => {
      expect(fnResource(name).inputs.serviceConfig.ingressSettings).toBe("ALLOW_ALL");
      const onService = members().filter((m) => m.type === TYPES.runMember && m.inputs.name === serviceName(name));
      expect(onService.map((m) => [m.inputs.role, m.inputs.member])).toEqual([["roles/run.invoker", "allUsers"]]);
    });

    it("binds project-level roles only from the justified list, and everything else on its resource", () => {
      const builder = `serviceAccount:${email("fn-builder")}`;
      const gcfSources = `resource.name.startsWith("projects/_/buckets/gcf-v2-sources-${MOCK_PROJECT_NUMBER}-${s.config["gcp:region"]}")`;
      const onProject = members().filter((m) => m.type === TYPES.projectMember);
      const conditioned = onProject.filter((m) => m.inputs.condition !== undefined);
      // The one exception: the bucket Gen 2 builds fetch from exists only after the first deploy.
      expect(conditioned.map((m) => [m.inputs.member, m.inputs.role, m.inputs.condition.expression])).toEqual([
        [builder, "roles/storage.objectViewer", gcfSources],
      ]);
      const projectRoles = onProject.filter((m) => m.inputs.condition === undefined).map((m) => m.inputs.role);
      expect(projectRoles.length).toBeGreaterThan(0);
      for (const role of projectRoles) expect(Object.keys(PROJECT_LEVEL_ROLES)).toContain(role);
      for (const m of members().filter((m) => m.inputs.role === "roles/cloudtasks.enqueuer")) {
        expect(m.type).toBe(TYPES.queueMember);
      }
      for (const m of members().filter((m) => String(m.inputs.role).startsWith("roles/storage."))) {
        if (m.inputs.condition !== undefined) continue;
        expect(m.type).toBe(TYPES.bucketMember);
        expect(m.inputs.bucket).toBe(m.inputs.member === builder ? `${project}-fn-source` : `${project}-media`);
      }
    });

    it("lets only enqueuing functions act as the tasks invoker, and only the signer sign as itself", () => {
      const actAs = members().filter((m) => m.inputs.role === "roles/iam.serviceAccountUser");
      const enqueuers = platform.functions.filter((f) => f.access.enqueues.length > 0);
      expect(actAs.map((m) => m.inputs.member).sort()).toEqual(
        enqueuers.map((f) => `serviceAccount:${email(f.serviceAccountId)}`).sort(),
      );
      for (const m of actAs) {
        expect(m.type).toBe(TYPES.accountMember);
        expect(m.inputs.serviceAccountId).toBe(`projects/${project}/serviceAccounts/${email("tasks-invoker")}`);
      }
      const signers = members().filter((m) => m.inputs.role === "roles/iam.serviceAccountTokenCreator");
      const signing = platform.functions.filter((f) => f.access.mediaBucket === "sign");
      expect(signers).toHaveLength(signing.length);
      for (const m of signers) {
        const self = String(m.inputs.member).replace("serviceAccount:", "");
        expect(m.inputs.serviceAccountId).toBe(`projects/${project}/serviceAccounts/${self}`);
      }
    });

    it("lets the Vertex AI service agent write into the media bucket, and the sink write to the dataset only", () => {
      const agent = `serviceAccount:service-${MOCK_PROJECT_NUMBER}@gcp-sa-aiplatform.iam.gserviceaccount.com`;
      expect(
        members()
          .filter((m) => m.inputs.member === agent)
          .map((m) => [m.type, m.inputs.role]),
      ).toEqual([[TYPES.bucketMember, "roles/storage.objectCreator"]]);
      const writer = members().filter((m) => String(m.inputs.member).includes("gcp-sa-logging"));
      expect(writer.map((m) => [m.type, m.inputs.role, m.inputs.datasetId])).toEqual([
        [TYPES.datasetMember, "roles/bigquery.dataEditor", "genai_analytics"],
      ]);
    });

    it("builds functions only after every grant they need exists and has had time to propagate", () => {
      const wait = s.findResource(TYPES.wait, "iam-propagation");
      const grants = s.findResource(TYPES.grants, "iam");
      expect(wait.inputs.seconds).toBe(
        Number(s.config["genai-platform:iamPropagationSeconds"] ?? DEFAULT_PROPAGATION_SECONDS),
      );
      const beforeFunctions = members().filter((m) => m.parent === grants.urn);
      expect(beforeFunctions.length).toBeGreaterThan(30);
      for (const m of beforeFunctions) expect(wait.dependsOn).toContain(m.urn);
      expect([...wait.inputs.triggers].sort()).toEqual(beforeFunctions.map((m) => m.urn).sort());
      expect(beforeFunctions.filter((m) => m.type === TYPES.runMember)).toEqual([]);
      const builderSources = beforeFunctions.filter((m) => m.inputs.condition !== undefined);
      expect(builderSources).toHaveLength(1);
      expect(s.findResource(TYPES.functions, "functions").dependsOn).toEqual([wait.urn]);
    });

    it("creates everything after the APIs are enabled and have settled, and never disables an API", () => {
      const ready = s.findResource(TYPES.wait, "apis-propagation");
      expect(ready.dependsOn?.length).toBe(s.all(TYPES.service).length);
      for (const component of ["Identities", "Queues", "Storage", "Firestore", "Analytics", "Alerting", "CostAlerts"]) {
        const found = s.resources.filter((r) => r.type === `genai-platform:infra:${component}`);
        expect(found, component).toHaveLength(1);
        expect(found[0]!.dependsOn, component).toContain(ready.urn);
      }
      for (const service of s.all(TYPES.service)) expect(service.inputs.disableOnDestroy).toBe(false);
    });

    it("publishes the rules by upserting the cloud.firestore release, billed to the stack's quota project", () => {
      const release = s.findResource(TYPES.release, "firestore-rules-release");
      const ruleset = s.findResource(TYPES.ruleset, "firestore-rules");
      expect(release.inputs.quotaProject).toBe(s.config["gcp:billingProject"]);
      expect(release.inputs.rulesetName).toMatch(new RegExp(`^projects/${project}/rulesets/[0-9a-f]+$`));
      expect(release.inputs.__provider).toBe("[in-process provider]");
      expect(release.dependsOn).toContain(s.findResource(TYPES.database, "firestore-database").urn);
      expect(ruleset.dependsOn).toContain(s.findResource(TYPES.database, "firestore-database").urn);
      expect(s.config["gcp:userProjectOverride"]).toBe("true");
    });

    it("creates the sink's table with the owned schema, partitioned on timestamp, before the sink and the views", () => {
      const table = s.findResource(TYPES.table, "analytics-log-table");
      expect(table.inputs.tableId).toBe(LOG_TABLE);
      expect(JSON.parse(table.inputs.schema)).toEqual(logTableSchema(platform.generationEvent));
      expect(table.inputs.timePartitioning).toEqual({
        type: "DAY",
        field: "timestamp",
        expirationMs: Number(s.config["genai-platform:logTableExpirationDays"]) * 86_400_000,
      });
      expect(s.findResource(TYPES.sink, "analytics-sink").dependsOn).toContain(table.urn);
      for (const view of [
        "analytics-generation-success-rate-daily",
        "analytics-generation-latency-daily",
        "analytics-cost-daily",
        "analytics-top-spenders-daily",
      ]) {
        const { inputs, dependsOn } = s.findResource(TYPES.table, view);
        expect(inputs.view.query).toContain(`.${LOG_TABLE}\``);
        expect(dependsOn).toContain(table.urn);
      }
    });

    it.each(platform.queues.map((q) => [q.name, q]))(
      "configures the queue %s exactly as the definition",
      (name, queue) => {
        const { inputs } = s.findResource(TYPES.queue, `queues-${name}`);
        expect(inputs.name).toBe(name);
        expect(inputs.location).toBe(s.config["gcp:region"]);
        expect(inputs.rateLimits).toEqual({
          maxDispatchesPerSecond: queue.maxDispatchesPerSecond,
          maxConcurrentDispatches: queue.maxConcurrentDispatches,
        });
        expect(inputs.retryConfig).toEqual(queue.retry);
      },
    );

    it("routes exactly the definition's log event to BigQuery", () => {
      const sink = s.findResource(TYPES.sink, "analytics-sink").inputs;
      expect(sink.filter).toBe(generationLogFilter());
      expect(sink.filter).toContain(platform.generationEvent.eventType);
      expect(sink.uniqueWriterIdentity).toBe(true);
      expect(sink.bigqueryOptions).toEqual({ usePartitionedTables: true });
      expect(sink.destination).toBe(`bigquery.googleapis.com/projects/${project}/datasets/genai_analytics`);
      const latency = s.findResource(TYPES.table, "analytics-generation-latency-daily").inputs.view.query;
      expect(latency).toContain("jsonPayload.latencyms");
      expect(latency).toContain(`jsonPayload.eventtype = '${platform.generationEvent.eventType}'`);
    });

    it.each(platform.functions.map((f) => [f.name]))(
      "hands %s an environment its own config parser accepts",
      (name) => {
        const parsed = loadRuntimeConfig(name as FunctionName, env(name));
        expect(parsed.environment).toBe(stack);
        expect(parsed.project).toBe(project);
        const fn = platform.functions.find((f) => f.name === name)!;
        for (const queue of fn.access.enqueues) {
          const worker = workers.find((w) => (w.drains as readonly string[]).includes(queue))!;
          // Tasks target the worker's run.app service URL (internal ingress admits Cloud Tasks only
          // there); a worker enqueuing onto its own queue uses the deterministic form of it.
          const expected =
            worker.name === name
              ? predictedFunctionUrl(MOCK_PROJECT_NUMBER, s.config["gcp:region"]!, serviceName(worker.name))
              : s.outputs.serviceUrls[worker.name];
          expect(env(name)[queueEnvKeys(queue).workerUrl]).toBe(expected);
          expect(env(name)[queueEnvKeys(queue).workerUrl]).toMatch(/^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)?\.run\.app$/);
        }
        if (fn.trigger === "https") {
          const override = s.config["genai-platform:tierLimits"];
          expect(parsed.tierLimits).toEqual(override ? JSON.parse(override) : platform.tiers);
        }
      },
    );

    it("hands the stack's gate and daily budget to the spending endpoints, and to nothing else", () => {
      const number = (key: string) => {
        const value = s.config[`genai-platform:${key}`];
        return value === undefined ? undefined : Number(value);
      };
      const providers = s.config["genai-platform:signInProviders"];
      for (const fn of platform.functions) {
        const parsed = loadRuntimeConfig(fn.name as FunctionName, env(fn.name));
        const spends = spendsOnGeneration(fn);
        expect(parsed.appCheckMode, fn.name).toBe(spends ? (s.config["genai-platform:appCheck"] ?? "off") : undefined);
        const budget = number("dailyBudgetUsd");
        expect(parsed.dailyBudgetMicroUsd, fn.name).toBe(
          spends && budget !== undefined ? Math.round(budget * 1_000_000) : undefined,
        );
        expect(parsed.signInProviders, fn.name).toEqual(spends && providers ? JSON.parse(providers) : undefined);
        expect(parsed.requireEmailVerified, fn.name).toBe(
          spends && s.config["genai-platform:requireEmailVerified"] === "true",
        );
      }
    });

    it("budgets the project's month on its billing account when the stack names one, alerting the stack's channel", () => {
      const account = s.config["genai-platform:billingAccountId"];
      const budgets = s.all(TYPES.budget);
      if (account === undefined) {
        expect(budgets).toEqual([]);
        return;
      }
      expect(budgets).toHaveLength(1);
      const { inputs } = budgets[0]!;
      const monthly =
        Number(s.config["genai-platform:monthlyBudgetUsd"] ?? 0) ||
        Number(s.config["genai-platform:dailyBudgetUsd"]) * 31;
      expect(inputs.billingAccount).toBe(account);
      expect(inputs.budgetFilter).toEqual({ projects: [`projects/${MOCK_PROJECT_NUMBER}`], calendarPeriod: "MONTH" });
      expect(inputs.amount.specifiedAmount.currencyCode).toBe("USD");
      expect(Number(inputs.amount.specifiedAmount.units) + inputs.amount.specifiedAmount.nanos / 1e9).toBeCloseTo(
        monthly,
        2,
      );
      expect(inputs.thresholdRules).toEqual([
        { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 0.8, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" },
      ]);
      // The channel the other alerts notify: the stack has exactly one.
      const channel = s.findResource(TYPES.alert, "alerting-function-5xx").inputs.notificationChannels;
      expect(inputs.allUpdatesRule.monitoringNotificationChannels).toEqual(channel);
      expect(channel[0]).toMatch(new RegExp(`^projects/${project}/notificationChannels/`));
    });

    it("meters the estimated cost of terminal generation events and alerts at 80 % of the daily budget", () => {
      const metric = s.findResource(TYPES.logMetric, "cost-metric").inputs;
      expect(metric.filter).toBe(
        `${generationLogFilter()} AND jsonPayload.event=("succeeded" OR "failed" OR "agent_turn") AND jsonPayload.estimatedCostUsd:*`,
      );
      expect(metric.valueExtractor).toBe("EXTRACT(jsonPayload.estimatedCostUsd)");
      expect(metric.metricDescriptor).toMatchObject({ metricKind: "DELTA", valueType: "DISTRIBUTION", unit: "USD" });
      const channel = s.findResource(TYPES.alert, "alerting-function-5xx").inputs.notificationChannels;
      const exhausted = s.findResource(TYPES.alert, "cost-budget-exhausted").inputs;
      expect(exhausted.conditions[0].conditionMatchedLog.filter).toBe(
        `${generationLogFilter()} AND severity=WARNING AND jsonPayload.errorCode="BUDGET_EXHAUSTED"`,
      );
      expect(exhausted.alertStrategy.notificationRateLimit.period).toBe("3600s");
      expect(exhausted.notificationChannels).toEqual(channel);
      const daily = s.config["genai-platform:dailyBudgetUsd"];
      const spend = s.all(TYPES.alert).filter((a) => a.name === "cost-daily-spend");
      if (daily === undefined) {
        expect(spend).toEqual([]);
        return;
      }
      const condition = spend[0]!.inputs.conditions[0].conditionPrometheusQueryLanguage;
      expect(condition.query).toBe(
        `sum(increase(logging_googleapis_com:user_${metric.name}_sum{monitored_resource="cloud_run_revision"}[24h])) > ${Number(daily) * 0.8}`,
      );
      expect(condition.evaluationInterval).toBe("60s");
      expect(spend[0]!.inputs.notificationChannels).toEqual(channel);
      expect(spend[0]!.dependsOn).toContain(s.findResource(TYPES.logMetric, "cost-metric").urn);
    });

    it("deploys every function on nodejs22 from a content-addressed source object", () => {
      for (const fn of platform.functions) {
        const { inputs } = fnResource(fn.name);
        expect(inputs.buildConfig.runtime).toBe("nodejs22");
        expect(inputs.buildConfig.entryPoint).toBe(fn.name);
        expect(inputs.buildConfig.serviceAccount).toBe(`projects/${project}/serviceAccounts/${email("fn-builder")}`);
        expect(inputs.buildConfig.dockerRepository).toBe(
          `projects/${project}/locations/${s.config["gcp:region"]}/repositories/function-images`,
        );
        const object = s.findResource(TYPES.object, `functions-${serviceName(fn.name)}-source`).inputs;
        expect(object.name).toMatch(new RegExp(`^${serviceName(fn.name)}/${serviceName(fn.name)}-[0-9a-f]{16}\\.zip$`));
        expect(inputs.buildConfig.source.storageSource.object).toBe(object.name);
        expect(inputs.serviceConfig.maxInstanceRequestConcurrency).toBe(fn.concurrency);
        if (fn.concurrency > 1) expect(inputs.serviceConfig.availableCpu).toBe("1");
      }
    });

    it("keeps warm exactly the instances the stack's minInstances asks for, and the definition's elsewhere", () => {
      const warm: Record<string, number> = JSON.parse(s.config["genai-platform:minInstances"] ?? "{}");
      for (const fn of platform.functions) {
        expect(fnResource(fn.name).inputs.serviceConfig.minInstanceCount, fn.name).toBe(
          warm[fn.name] ?? fn.minInstances,
        );
      }
      // prod keeps one instance of each spending endpoint warm; dev pays for none.
      const expected = stack === "prod" ? { generateImage: 1, generateVideo: 1, creativeDirectorAgent: 1 } : {};
      expect(warm).toEqual(expected);
    });

    it("keeps both buckets private, and expires media after the stack's retention", () => {
      for (const bucket of s.all(TYPES.bucket)) {
        expect(bucket.inputs.uniformBucketLevelAccess).toBe(true);
        expect(bucket.inputs.publicAccessPrevention).toBe("enforced");
      }
      const media = s.findResource(TYPES.bucket, "storage-media").inputs;
      expect(media.lifecycleRules[0].condition.age).toBe(Number(s.config["genai-platform:mediaRetentionDays"]));
      expect(media.cors[0].origins).toEqual(JSON.parse(s.config["genai-platform:webOrigins"]!));
    });

    it("labels every labelable resource with env and managed-by", () => {
      const labelled = s.resources.filter((r) => r.inputs.labels !== undefined || r.inputs.userLabels !== undefined);
      expect(labelled.length).toBeGreaterThan(10);
      for (const r of s.resources) {
        if (r.type === TYPES.channel) {
          expect(r.inputs.userLabels).toMatchObject({ env: stack, "managed-by": "pulumi" });
          continue;
        }
        const labels = r.inputs.labels ?? r.inputs.userLabels;
        if (
          [TYPES.fn, TYPES.bucket, TYPES.repository, TYPES.dataset, TYPES.table, TYPES.alert].includes(r.type as never)
        ) {
          expect(labels, r.urn).toMatchObject({ env: stack, "managed-by": "pulumi" });
        }
      }
    });

    it("protects Firestore and keeps point-in-time recovery exactly when the stack asks for it", () => {
      const protect = s.config["genai-platform:deletionProtection"] === "true";
      const db = s.findResource(TYPES.database, "firestore-database").inputs;
      expect(db.type).toBe("FIRESTORE_NATIVE");
      expect(db.locationId).toBe(s.config["genai-platform:firestoreLocation"]);
      expect(db.deleteProtectionState).toBe(protect ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED");
      expect(db.pointInTimeRecoveryEnablement).toBe(
        protect ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED",
      );
      expect(db.deletionPolicy).toBe(protect ? "ABANDON" : "DELETE");
    });

    it("exports function URLs, bucket names, the dataset and queue names", () => {
      expect(Object.keys(s.outputs.functionUrls).sort()).toEqual(platform.functions.map((f) => f.name).sort());
      expect(s.outputs.mediaBucket).toBe(`${project}-media`);
      expect(s.outputs.dataset).toBe("genai_analytics");
      expect(Object.keys(s.outputs.queues).sort()).toEqual(platform.queues.map((q) => q.name).sort());
      for (const queue of platform.queues) {
        expect(s.outputs.queuePaths[queue.name]).toBe(
          `projects/${project}/locations/${s.config["gcp:region"]}/queues/${queue.name}`,
        );
      }
      expect(s.outputs.sourceBucket).toBe(`${project}-fn-source`);
    });
  });
}
