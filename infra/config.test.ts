import { platform } from "@genai-platform/definition";
import { describe, expect, it } from "vitest";
import { parseStackConfig, StackConfigError } from "./config.ts";

const valid: Record<string, string> = {
  "gcp:project": "genai-platform-dev",
  "gcp:region": "europe-west1",
  "gcp:userProjectOverride": "true",
  "gcp:billingProject": "genai-platform-dev",
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
      models: platform.defaultModels,
      signedUrlTtlSeconds: 900,
      mediaRetentionDays: 7,
      webOrigins: ["http://localhost:5173"],
      deletionProtection: false,
      billingProject: "genai-platform-dev",
      iamPropagationSeconds: 120,
    });
    expect(config.tierLimits).toBeUndefined();
  });

  it.each([
    ["a missing required key", { alertEmail: undefined }, "genai-platform:alertEmail: is required"],
    ["a missing gcp key", { "gcp:project": undefined }, "gcp:project: is required"],
    ["a zero retention", { mediaRetentionDays: "0" }, "genai-platform:mediaRetentionDays: must be a positive integer"],
    [
      "a fractional retention",
      { mediaRetentionDays: "1.5" },
      "genai-platform:mediaRetentionDays: must be a positive integer",
    ],
    [
      "a string where a number belongs",
      { logTableExpirationDays: '"30"' },
      "genai-platform:logTableExpirationDays: must be a positive integer",
    ],
    ["unparseable JSON", { webOrigins: "[not json" }, "genai-platform:webOrigins: is not valid JSON"],
    ["an unknown environment", { environment: "staging" }, "genai-platform:environment: must be `dev` or `prod`"],
    [
      "an origin that is not a URL",
      { webOrigins: '["example.com"]' },
      "genai-platform:webOrigins: 0 must be an http(s) origin",
    ],
    ["an empty origin list", { webOrigins: "[]" }, "genai-platform:webOrigins: must list at least one origin"],
    ["a bad address", { alertEmail: "nobody" }, "genai-platform:alertEmail: must be an email address"],
    [
      "a TTL over an hour",
      { signedUrlTtlSeconds: "7200" },
      "genai-platform:signedUrlTtlSeconds: must be an integer from 60 to 3600",
    ],
    [
      "a non-boolean protection flag",
      { deletionProtection: '"yes"' },
      "genai-platform:deletionProtection: must be true or false",
    ],
    [
      "user project override left out",
      { "gcp:userProjectOverride": undefined },
      "gcp:userProjectOverride: is required: the Firebase APIs need a quota project with user credentials",
    ],
    [
      "user project override turned off",
      { "gcp:userProjectOverride": "false" },
      "gcp:userProjectOverride: must be true: the Firebase APIs need a quota project",
    ],
    [
      "no billing project",
      { "gcp:billingProject": undefined },
      "gcp:billingProject: is required: the Firebase APIs need a quota project",
    ],
    [
      "a billing project that is not a project id",
      { "gcp:billingProject": "My Project" },
      "gcp:billingProject: must be a Google Cloud project id",
    ],
    [
      "a negative propagation wait",
      { iamPropagationSeconds: "-5" },
      "genai-platform:iamPropagationSeconds: must be an integer from 0 to 900",
    ],
    ["an uppercase region", { "gcp:region": "EUROPE-WEST1" }, "gcp:region: must be a lowercase location id"],
    [
      "Pro below Free",
      {
        tierLimits: JSON.stringify({ free: { image: 10, video: 1, agent: 5 }, pro: { image: 5, video: 1, agent: 5 } }),
      },
      "genai-platform:tierLimits: pro.image (5) must be at least free.image (10)",
    ],
  ])("rejects %s with an error naming the key", (_, change, message) => {
    const raw = { ...valid, ...change };
    expect(() => parseStackConfig(raw)).toThrow(StackConfigError);
    expect(() => parseStackConfig(raw)).toThrow(message);
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
    }
  });

  describe("models", () => {
    const withModels = (models: unknown) => parseStackConfig({ ...valid, models: JSON.stringify(models) });

    it("defaults every kind to the definition's choice", () => {
      expect(parseStackConfig(valid).models).toEqual(platform.defaultModels);
    });

    it("takes an override of one kind, in the first location Google serves that model", () => {
      const { models } = withModels({ video: { id: "veo-3.1-fast-generate-001" } });
      expect(models.video).toEqual({ id: "veo-3.1-fast-generate-001", location: "us-central1" });
      expect(models.image).toEqual(platform.defaultModels.image);
    });

    it.each([
      [
        "a model in a location Google does not serve it in",
        { video: { location: "global" } },
        'genai-platform:models.video.location: veo-3.1-generate-001 is not served in "global" (served in: us-central1)',
      ],
      [
        "an unknown model id",
        { agent: { id: "gemini-3-pro-preview" } },
        'genai-platform:models.agent.id: "gemini-3-pro-preview" is not a known agent model',
      ],
      [
        "a model of another kind",
        { image: { id: "veo-3.1-generate-001", location: "us-central1" } },
        'genai-platform:models.image.id: "veo-3.1-generate-001" is a video model (image models: gemini-3-pro-image-preview',
      ],
      [
        "a preview model whose quota the queues outrun",
        { video: { id: "veo-3.1-generate-preview" } },
        "genai-platform:models: queues video-jobs (0.3/s, burst 1) + video-polls (0.5/s, burst 1) may dispatch 50 requests a minute to veo-3.1-generate-preview, whose quota is 10 per minute",
      ],
      ["an unknown kind", { audio: { id: "x" } }, "genai-platform:models"],
    ])("refuses %s, naming the key", (_, models, message) => {
      expect(() => withModels(models)).toThrow(StackConfigError);
      expect(() => withModels(models)).toThrow(message);
    });
  });
});
