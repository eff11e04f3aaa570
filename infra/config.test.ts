import { describe, expect, it } from "vitest";
import { parseStackConfig, StackConfigError } from "./config.ts";

const valid: Record<string, string> = {
  "gcp:project": "genai-platform-dev",
  "gcp:region": "europe-west1",
  environment: "dev",
  firestoreLocation: "eur3",
  webOrigins: '["http://localhost:5173"]',
  alertEmail: "alerts@example.com",
  mediaRetentionDays: "7",
  datasetLocation: "EU",
  logTableExpirationDays: "30",
  deletionProtection: "false",
};

describe("parseStackConfig", () => {
  it("accepts a complete config and fills the documented defaults", () => {
    const config = parseStackConfig(valid);
    expect(config).toMatchObject({
      project: "genai-platform-dev",
      region: "europe-west1",
      vertexLocation: "global",
      signedUrlTtlSeconds: 900,
      mediaRetentionDays: 7,
      webOrigins: ["http://localhost:5173"],
      deletionProtection: false,
    });
    expect(config.tierLimits).toBeUndefined();
  });

  const problem = (change: Record<string, string | undefined>) => {
    try {
      parseStackConfig({ ...valid, ...change }, { file: "Pulumi.dev.yaml" });
    } catch (error) {
      expect(error).toBeInstanceOf(StackConfigError);
      return (error as Error).message;
    }
    return "(accepted)";
  };

  it.each([
    ["a missing required key", { alertEmail: undefined }],
    ["a missing gcp key", { "gcp:project": undefined }],
    ["a misspelt key", { mediaRetentionDays: undefined, mediaRetentionDay: "7" }],
    ["an unknown key with no near match", { colour: "blue" }],
    ["a zero retention", { mediaRetentionDays: "0" }],
    ["a fractional retention", { mediaRetentionDays: "1.5" }],
    ["a string where a number belongs", { logTableExpirationDays: '"30"' }],
    ["words where a number belongs", { logTableExpirationDays: "thirty" }],
    ["unparseable JSON", { webOrigins: "[not json" }],
    ["an unknown environment", { environment: "staging" }],
    ["an origin that is not a URL", { webOrigins: '["https://ok.example", "example.com"]' }],
    ["an empty origin list", { webOrigins: "[]" }],
    ["a bad address", { alertEmail: "nobody" }],
    ["a TTL over an hour", { signedUrlTtlSeconds: "7200" }],
    ["a non-boolean protection flag", { deletionProtection: '"yes"' }],
    ["an uppercase region", { "gcp:region": "EUROPE-WEST1" }],
    ["a region the program does not support", { "gcp:region": "mars-north1" }],
    ["a lowercase BigQuery multi-region", { datasetLocation: "eu" }],
    ["a Firestore location typo", { firestoreLocation: "eur4" }],
    [
      "Pro below Free",
      {
        tierLimits: JSON.stringify({ free: { image: 10, video: 1, agent: 5 }, pro: { image: 5, video: 1, agent: 5 } }),
      },
    ],
    [
      "a misspelt nested key and a string limit",
      {
        tierLimits: JSON.stringify({
          free: { image: 10, video: 1, agent: 5, imgae: 3 },
          pro: { image: "50", video: 1, agent: 5 },
        }),
      },
    ],
    ["several problems at once", { mediaRetentionDays: "-1", alertEmail: "x", environment: "qa" }],
  ])("explains %s, naming the file, the key and the value", (_, change) => {
    expect(problem(change)).toMatchSnapshot();
  });

  it("ignores other providers' keys", () => {
    expect(problem({ "gcp:zone": "europe-west1-b", "random:seed": "1" })).toBe("(accepted)");
  });

  it("takes the stack's tier limits when given", () => {
    const tierLimits = { free: { image: 1, video: 1, agent: 1 }, pro: { image: 2, video: 2, agent: 2 } };
    expect(parseStackConfig({ ...valid, tierLimits: JSON.stringify(tierLimits) }).tierLimits).toEqual(tierLimits);
  });

  it("exposes the failing key on the error", () => {
    try {
      parseStackConfig({ ...valid, datasetLocation: " " });
      expect.unreachable();
    } catch (error) {
      expect((error as StackConfigError).key).toBe("genai-platform:datasetLocation");
      expect((error as StackConfigError).file).toBe("stack config");
    }
  });
});
