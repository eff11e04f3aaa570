// The release provider as Pulumi's dynamic-provider host runs it: serialized, loaded back from
// text, authenticating with Application Default Credentials (a recorded token exchange).
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { releaseProvider } from "./rules-release.ts";

const PROJECT = "genai-platform-dev";
const RELEASE = `projects/${PROJECT}/releases/cloud.firestore`;
const inputs = {
  project: PROJECT,
  release: "cloud.firestore",
  rulesetName: `projects/${PROJECT}/rulesets/new`,
  quotaProject: PROJECT,
};

// The host loads providers with require-from-string (a dependency of @pulumi/pulumi).
const requireFromPulumi = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"));
const requireFromString = requireFromPulumi("require-from-string") as (code: string) => { handler(): unknown };

const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "adc-"));
  const file = join(dir, "application_default_credentials.json");
  writeFileSync(
    file,
    JSON.stringify({ type: "authorized_user", client_id: "c", client_secret: "s", refresh_token: "r" }),
  );
  process.env.GOOGLE_APPLICATION_CREDENTIALS = file;
  nock.disableNetConnect();
});

afterAll(() => {
  if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
});

afterEach(() => nock.cleanAll());

describe("the cloud.firestore release provider", () => {
  it("adopts an existing release when loaded back from its serialized text", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => releaseProvider);
    const provider = requireFromString(serialized.text).handler() as typeof releaseProvider;
    nock("https://oauth2.googleapis.com").post("/token").reply(200, { access_token: "user-token", expires_in: 3600 });
    const patched = nock("https://firebaserules.googleapis.com", {
      reqheaders: { authorization: "Bearer user-token", "x-goog-user-project": PROJECT },
    })
      .patch(`/v1/${RELEASE}`)
      .reply(200, { name: RELEASE, rulesetName: inputs.rulesetName, updateTime: "2026-12-02T05:30:00Z" });
    const created = await provider.create(inputs);
    expect(patched.isDone()).toBe(true);
    expect(created.id).toBe(RELEASE);
    expect(created.outs).toMatchObject({ rulesetName: inputs.rulesetName, updateTime: "2026-12-02T05:30:00Z" });
  });

  it("updates in place on a new ruleset and replaces only for another project or release", async () => {
    const diff = (changes: Partial<typeof inputs>) => releaseProvider.diff!(RELEASE, inputs, { ...inputs, ...changes });
    await expect(diff({ rulesetName: `projects/${PROJECT}/rulesets/newer` })).resolves.toMatchObject({
      changes: true,
      replaces: [],
    });
    await expect(diff({})).resolves.toMatchObject({ changes: false });
    await expect(diff({ release: "cloud.firestore/other" })).resolves.toMatchObject({ replaces: ["release"] });
  });

  it("leaves the live release in place on delete", async () => {
    await expect(releaseProvider.delete!(RELEASE, inputs)).resolves.toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
  });
});
