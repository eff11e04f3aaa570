// Recorded Firebase Rules API answers (shapes from the REST reference) replayed with nock against
// google-auth-library's real client.
import { OAuth2Client } from "google-auth-library";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { publishRelease, RULES_API, type RulesHttp } from "./rules-release-api.ts";

const PROJECT = "genai-platform-dev";
const RELEASE = `projects/${PROJECT}/releases/cloud.firestore`;
const NEW_RULESET = `projects/${PROJECT}/rulesets/2f1c0e5a-new`;
const target = { project: PROJECT, release: "cloud.firestore", rulesetName: NEW_RULESET, quotaProject: PROJECT };

const released = (rulesetName: string) => ({
  name: RELEASE,
  rulesetName,
  createTime: "2026-11-30T10:00:00.000000Z",
  updateTime: "2026-12-02T05:30:00.000000Z",
});
const notFound = { error: { code: 404, message: `Requested entity was not found.`, status: "NOT_FOUND" } };
const exists = { error: { code: 409, message: "Requested entity already exists", status: "ALREADY_EXISTS" } };

let http: RulesHttp;
const api = () => nock(RULES_API.replace("/v1", ""), { reqheaders: { authorization: "Bearer test-token" } });

beforeAll(() => {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: "test-token", expiry_date: Date.now() + 3_600_000 });
  http = client as unknown as RulesHttp;
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe("publishRelease", () => {
  it("repoints an existing cloud.firestore release in place, billed to the quota project", async () => {
    api()
      .matchHeader("x-goog-user-project", PROJECT)
      .patch(`/v1/${RELEASE}`, { release: { name: RELEASE, rulesetName: NEW_RULESET }, updateMask: "rulesetName" })
      .reply(200, released(NEW_RULESET));
    await expect(publishRelease(target, http)).resolves.toEqual({
      name: RELEASE,
      rulesetName: NEW_RULESET,
      updateTime: "2026-12-02T05:30:00.000000Z",
    });
  });

  it("creates the release when the project has never published rules", async () => {
    api().patch(`/v1/${RELEASE}`).reply(404, notFound);
    api()
      .post(`/v1/projects/${PROJECT}/releases`, { name: RELEASE, rulesetName: NEW_RULESET })
      .reply(200, released(NEW_RULESET));
    await expect(publishRelease(target, http)).resolves.toMatchObject({ rulesetName: NEW_RULESET });
  });

  it("patches again when someone else created the release between its PATCH and its create", async () => {
    api().patch(`/v1/${RELEASE}`).reply(404, notFound);
    api().post(`/v1/projects/${PROJECT}/releases`).reply(409, exists);
    api().patch(`/v1/${RELEASE}`).reply(200, released(NEW_RULESET));
    await expect(publishRelease(target, http)).resolves.toMatchObject({ rulesetName: NEW_RULESET });
  });

  it("fails with Google's message when the caller may not publish", async () => {
    api()
      .patch(`/v1/${RELEASE}`)
      .reply(403, {
        error: {
          code: 403,
          message: "The caller does not have permission",
          status: "PERMISSION_DENIED",
        },
      });
    await expect(publishRelease(target, http)).rejects.toThrow(
      `publishing ${RELEASE}: HTTP 403: The caller does not have permission`,
    );
  });

  it("fails when the answer points the release at another ruleset", async () => {
    api()
      .patch(`/v1/${RELEASE}`)
      .reply(200, released(`projects/${PROJECT}/rulesets/old`));
    await expect(publishRelease(target, http)).rejects.toThrow("points at projects/genai-platform-dev/rulesets/old");
  });

  it("sends no quota project header when none is configured", async () => {
    nock("https://firebaserules.googleapis.com", { badheaders: ["x-goog-user-project"] })
      .patch(`/v1/${RELEASE}`)
      .reply(200, released(NEW_RULESET));
    const { quotaProject: _, ...withoutQuota } = target;
    await expect(publishRelease(withoutQuota, http)).resolves.toMatchObject({ rulesetName: NEW_RULESET });
  });
});
