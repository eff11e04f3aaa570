// Spec: an internal function's one invoker identity, and nobody else, holds an invoker role on it.
import { policySpec } from "../../test/check.ts";
import { iamMember, runInvoker, saEmail, withInput } from "../../test/fixtures.ts";
import { gcpIamRunserviceInvokerAllowList as policy } from "./gcp-iam-runservice-invoker-allow-list.ts";

const config = {
  invokers: { "image-worker": ["tasks-invoker"], "sweep-jobs": ["sweep-scheduler"] },
};
const sa = (id: string) => `serviceAccount:${saEmail(id)}`;
const baseline = () => [
  runInvoker("image-worker", sa("tasks-invoker")),
  runInvoker("sweep-jobs", sa("sweep-scheduler")),
  // Public principals are the other policy's concern.
  runInvoker("generate-image", "allUsers"),
];

policySpec(
  policy,
  baseline,
  [
    {
      change: "the scheduler identity also invoking a worker",
      resources: [...baseline(), runInvoker("image-worker", sa("sweep-scheduler"))],
      expected: `Cloud Run service "image-worker" grants roles/run.invoker to ${sa("sweep-scheduler")}; only tasks-invoker may invoke it (gcp-iam-runservice-invoker-allow-list.invokers in policies/<stack>.json)`,
    },
    {
      change: "the tasks invoker invoking the sweeper",
      resources: [...baseline(), runInvoker("sweep-jobs", sa("tasks-invoker"))],
      expected: `Cloud Run service "sweep-jobs" grants roles/run.invoker to ${sa("tasks-invoker")}; only sweep-scheduler may invoke it`,
    },
    {
      change: "a function's own identity invoking a service no list names",
      resources: [...baseline(), runInvoker("get-usage", sa("fn-generate-image"))],
      expected: `Cloud Run service "get-usage" grants roles/run.invoker to ${sa("fn-generate-image")}; no service account may invoke it (gcp-iam-runservice-invoker-allow-list.invokers in policies/<stack>.json lists none)`,
    },
    {
      change: "a user granted the invoker role on the sweeper",
      resources: [...baseline(), runInvoker("sweep-jobs", "user:ops@example.com")],
      expected:
        'Cloud Run service "sweep-jobs" grants roles/run.invoker to user:ops@example.com; only sweep-scheduler may invoke it',
    },
    {
      change: "the scheduler in an invoker binding of a worker",
      resources: [
        ...baseline(),
        iamMember("gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding", "binding", {
          name: "image-worker",
          role: "roles/run.invoker",
          members: [sa("tasks-invoker"), sa("sweep-scheduler")],
        } as never),
      ],
      expected: `grants roles/run.invoker to ${sa("sweep-scheduler")}; only tasks-invoker may invoke it`,
    },
    {
      change: "the Gen 2 function's own invoker role given to another identity",
      resources: [
        ...baseline(),
        withInput(runInvoker("sweep-jobs", sa("fn-get-job")), "role", "roles/cloudfunctions.invoker"),
      ],
      expected: `grants roles/cloudfunctions.invoker to ${sa("fn-get-job")}; only sweep-scheduler may invoke it`,
    },
    {
      change: "the config no longer listing the sweeper",
      resources: baseline(),
      config: { invokers: { "image-worker": ["tasks-invoker"] } },
      expected: `Cloud Run service "sweep-jobs" grants roles/run.invoker to ${sa("sweep-scheduler")}; no service account may invoke it`,
    },
  ],
  config,
);
