// The preflight against Google's recorded answers (nock on the real URLs): each check passes on a
// ready project and names what is missing, with the command that fixes it, on each failure.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { platform } from "@genai-platform/definition";
import { REQUIRED_APIS } from "@genai-platform/infra/required-apis";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ALL_DEPLOYER_PERMISSIONS } from "./deployer-permissions.ts";
import { httpCall } from "./google-call.ts";
import { type CheckName, formatReport, runPreflight } from "./preflight.ts";
import {
  batchGetAnswer,
  COUNT_TOKENS,
  ENTITY_NOT_FOUND,
  FIREBASE_PROJECT,
  modelNotFound,
  PERMISSION_DENIED,
  PROJECT,
  publisherModel,
  serviceDisabled,
} from "./recorded-responses.ts";
import { stackPreflightTarget, stackSettings } from "./targets.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

const SERVICE_USAGE = "https://serviceusage.googleapis.com";
const FIREBASE = "https://firebase.googleapis.com";
const CRM = "https://cloudresourcemanager.googleapis.com";
const GLOBAL = "https://aiplatform.googleapis.com";
const US_CENTRAL1 = "https://us-central1-aiplatform.googleapis.com";
const models = platform.defaultModels;

const call = httpCall(async () => new Headers({ authorization: "Bearer recorded" }));
const preflight = (checks: CheckName[], extra: Partial<Parameters<typeof runPreflight>[0]> = {}) =>
  runPreflight({ project: PROJECT, apis: REQUIRED_APIS, models, checks, ...extra }, call);

const allEnabled = () => batchGetAnswer(Object.fromEntries(REQUIRED_APIS.map((api) => [api, "ENABLED" as const])));
const modelPath = (location: string, model: string, method: string) =>
  `/v1/projects/${PROJECT}/locations/${location}/publishers/google/models/${model}:${method}`;

function readyModels() {
  nock(GLOBAL)
    .post(modelPath("global", models.image.id, "countTokens"))
    .reply(200, COUNT_TOKENS);
  nock(GLOBAL)
    .post(modelPath("global", models.agent.id, "countTokens"))
    .reply(200, COUNT_TOKENS);
  nock(US_CENTRAL1)
    .get(`/v1beta1/publishers/google/models/${models.video.id}`)
    .reply(200, publisherModel(models.video.id));
}

beforeAll(() => {
  nock.disableNetConnect();
  return () => nock.enableNetConnect();
});
afterEach(() => {
  const unused = nock.pendingMocks();
  nock.cleanAll();
  expect(unused).toEqual([]);
});

describe("preflight", () => {
  it("passes every check on a ready project, asking with the caller's credentials", async () => {
    nock(SERVICE_USAGE, { reqheaders: { authorization: "Bearer recorded" } })
      .get(`/v1/projects/${PROJECT}/services:batchGet`)
      .query((q) => [q.names].flat().length === REQUIRED_APIS.length)
      .reply(200, allEnabled());
    nock(FIREBASE).get(`/v1beta1/projects/${PROJECT}`).reply(200, FIREBASE_PROJECT);
    readyModels();
    nock(CRM)
      .post(`/v1/projects/${PROJECT}:testIamPermissions`, { permissions: [...ALL_DEPLOYER_PERMISSIONS] })
      .reply(200, { permissions: ALL_DEPLOYER_PERMISSIONS });

    const results = await runPreflight({ project: PROJECT, apis: REQUIRED_APIS, models }, call);

    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ["APIs enabled", true],
      ["Firebase on the project", true],
      [`image model ${models.image.id} @ global`, true],
      [`video model ${models.video.id} @ us-central1`, true],
      [`agent model ${models.agent.id} @ global`, true],
      ["deployer permissions", true],
    ]);
    expect(formatReport(results)).toMatch(/preflight passed$/);
  });

  it("names each disabled API and the gcloud command that enables them", async () => {
    const states = Object.fromEntries(REQUIRED_APIS.map((api) => [api, "ENABLED" as "ENABLED" | "DISABLED"]));
    states["cloudtasks.googleapis.com"] = "DISABLED";
    states["firebaserules.googleapis.com"] = "DISABLED";
    nock(SERVICE_USAGE).get(`/v1/projects/${PROJECT}/services:batchGet`).query(true).reply(200, batchGetAnswer(states));

    const [apis] = await preflight(["apis"]);

    expect(apis).toEqual({
      name: "APIs enabled",
      ok: false,
      detail: "not enabled: cloudtasks.googleapis.com, firebaserules.googleapis.com",
      fix: [`gcloud services enable cloudtasks.googleapis.com firebaserules.googleapis.com --project ${PROJECT}`],
    });
  });

  it("tells how to enable Service Usage when the API it asks is itself disabled", async () => {
    nock(SERVICE_USAGE)
      .get(`/v1/projects/${PROJECT}/services:batchGet`)
      .query(true)
      .reply(403, serviceDisabled("serviceusage.googleapis.com", "Service Usage API"));

    const [apis] = await preflight(["apis"]);

    expect(apis?.ok).toBe(false);
    expect(apis?.detail).toMatch(/^403 PERMISSION_DENIED: Service Usage API has not been used in project/);
    expect(apis?.fix).toEqual([`gcloud services enable serviceusage.googleapis.com --project ${PROJECT}`]);
  });

  it("reports a project without Firebase, with the command that adds it", async () => {
    nock(FIREBASE).get(`/v1beta1/projects/${PROJECT}`).reply(404, ENTITY_NOT_FOUND);

    const [firebase] = await preflight(["firebase"]);

    expect(firebase?.ok).toBe(false);
    expect(firebase?.detail).toContain(`${PROJECT} is not a Firebase project`);
    expect(firebase?.detail).toContain("404 NOT_FOUND: Requested entity was not found.");
    expect(firebase?.fix?.[0]).toBe(`firebase projects:addfirebase ${PROJECT}`);
  });

  it("reports a model Vertex does not serve in its location, in Vertex's words", async () => {
    const wrong = { ...models, image: { id: models.image.id, location: "us-central1" } };
    nock(US_CENTRAL1)
      .post(modelPath("us-central1", models.image.id, "countTokens"))
      .reply(404, modelNotFound("us-central1", models.image.id));
    nock(GLOBAL)
      .post(modelPath("global", models.agent.id, "countTokens"))
      .reply(200, COUNT_TOKENS);
    nock(US_CENTRAL1)
      .get(`/v1beta1/publishers/google/models/${models.video.id}`)
      .reply(200, publisherModel(models.video.id));

    const results = await preflight(["models"], { models: wrong });

    expect(results.map((r) => r.ok)).toEqual([false, true, true]);
    expect(results[0]?.detail).toBe(
      `404 NOT_FOUND: Publisher Model \`projects/${PROJECT}/locations/us-central1/publishers/google/models/${models.image.id}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`,
    );
    expect(results[0]?.fix?.[0]).toContain("genai-platform:models.image");
  });

  it("reports an unknown Veo id through the publisher model lookup", async () => {
    const retired = { ...models, video: { id: "veo-2.0-generate-exp", location: "us-central1" } };
    nock(GLOBAL)
      .post(modelPath("global", models.image.id, "countTokens"))
      .reply(200, COUNT_TOKENS);
    nock(GLOBAL)
      .post(modelPath("global", models.agent.id, "countTokens"))
      .reply(200, COUNT_TOKENS);
    nock(US_CENTRAL1)
      .get("/v1beta1/publishers/google/models/veo-2.0-generate-exp")
      .reply(404, modelNotFound("us-central1", "veo-2.0-generate-exp"));

    const results = await preflight(["models"], { models: retired });

    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]?.detail).toContain("was not found or your project does not have access to it");
  });

  it("tells how to enable Vertex AI when the model calls find it disabled", async () => {
    const disabled = serviceDisabled("aiplatform.googleapis.com", "Vertex AI API");
    nock(GLOBAL)
      .post(modelPath("global", models.image.id, "countTokens"))
      .reply(403, disabled);
    nock(GLOBAL)
      .post(modelPath("global", models.agent.id, "countTokens"))
      .reply(403, disabled);
    nock(US_CENTRAL1).get(`/v1beta1/publishers/google/models/${models.video.id}`).reply(403, disabled);

    const results = await preflight(["models"]);

    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results[0]?.fix).toEqual([`gcloud services enable aiplatform.googleapis.com --project ${PROJECT}`]);
  });

  it("lists the permissions the deployer lacks and the role that grants them", async () => {
    const missing = new Set([
      "cloudtasks.queues.create",
      "cloudtasks.queues.setIamPolicy",
      "iam.serviceAccounts.actAs",
    ]);
    nock(CRM)
      .post(`/v1/projects/${PROJECT}:testIamPermissions`)
      .reply(200, { permissions: ALL_DEPLOYER_PERMISSIONS.filter((p) => !missing.has(p)) });

    const [permissions] = await preflight(["permissions"]);

    expect(permissions?.ok).toBe(false);
    expect(permissions?.detail).toContain("iam.serviceAccounts.actAs (for functions running as");
    expect(permissions?.detail).toContain(
      "cloudtasks.queues.create, cloudtasks.queues.setIamPolicy (for the Cloud Tasks",
    );
    expect(permissions?.fix).toEqual([
      `gcloud projects add-iam-policy-binding ${PROJECT} --member=PRINCIPAL --role=roles/iam.serviceAccountUser`,
      `gcloud projects add-iam-policy-binding ${PROJECT} --member=PRINCIPAL --role=roles/cloudtasks.queueAdmin`,
    ]);
  });

  it("treats a testIamPermissions answer without a permissions field as none held", async () => {
    nock(CRM).post(`/v1/projects/${PROJECT}:testIamPermissions`).reply(200, {});

    const [permissions] = await preflight(["permissions"]);

    expect(permissions?.ok).toBe(false);
    expect(permissions?.fix).toHaveLength(13);
  });

  it("reports a 403 PERMISSION_DENIED from testIamPermissions with the grant that allows asking", async () => {
    nock(CRM).post(`/v1/projects/${PROJECT}:testIamPermissions`).reply(403, PERMISSION_DENIED);

    const [permissions] = await preflight(["permissions"]);

    expect(permissions).toMatchObject({
      ok: false,
      detail: "403 PERMISSION_DENIED: The caller does not have permission",
    });
    expect(permissions?.fix?.[0]).toMatch(/add-iam-policy-binding .* --role=roles\//);
  });

  it("prints each check with ✓ or ✗ and the fix under a failure", () => {
    const report = formatReport([
      { name: "APIs enabled", ok: true, detail: "15 of 15" },
      { name: "Firebase on the project", ok: false, detail: "missing", fix: ["firebase projects:addfirebase p"] },
    ]);
    expect(report).toBe(
      [
        "✓ APIs enabled: 15 of 15",
        "✗ Firebase on the project: missing",
        "    fix: firebase projects:addfirebase p",
        "preflight failed: 1 of 2 checks",
      ].join("\n"),
    );
  });
});

describe("a stack's preflight target", () => {
  it.each(["dev", "prod"])("reads the %s stack's project and models from its Pulumi config, offline", (stack) => {
    const settings = stackSettings(ROOT, stack);
    const config = readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
    expect(config).toContain(`gcp:project: ${settings.project}`);
    expect(stackPreflightTarget(settings)).toEqual({
      project: settings.project,
      apis: REQUIRED_APIS,
      models: settings.models,
    });
    expect(settings.models.video.location).toBe("us-central1");
  });
});
