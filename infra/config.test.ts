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
    ["user project override left out", { "gcp:userProjectOverride": undefined }],
    ["user project override turned off", { "gcp:userProjectOverride": "false" }],
    ["no billing project", { "gcp:billingProject": undefined }],
    ["a billing project that is not a project id", { "gcp:billingProject": "My Project" }],
    ["a negative propagation wait", { iamPropagationSeconds: "-5" }],
    [
      "a Vertex AI location the program does not support",
      { models: JSON.stringify({ image: { location: "moon-1" } }) },
    ],
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
    ["an App Check mode that does not exist", { appCheck: '"strict"' }],
    ["consuming App Check tokens with App Check off", { appCheckConsume: "true" }],
    ["a daily budget of zero", { dailyBudgetUsd: "0" }],
    ["a daily budget in fractions of a cent", { dailyBudgetUsd: "0.333" }],
    ["a daily budget written as text", { dailyBudgetUsd: '"25"' }],
    ["a billing account id in the wrong form", { billingAccountId: "0123-4567-89ab", dailyBudgetUsd: "10" }],
    ["a billing account with no budget amount", { billingAccountId: "012345-567890-ABCDEF" }],
    ["a monthly budget with no billing account", { monthlyBudgetUsd: "300" }],
    ["an empty sign-in provider list", { signInProviders: "[]" }],
    ["a sign-in provider that is not an id", { signInProviders: '["Google Sign-In"]' }],
    ["a non-boolean email verification flag", { requireEmailVerified: '"yes"' }],
    ["warm instances as a bare number", { minInstances: "1" }],
    ["warm instances for a worker", { minInstances: JSON.stringify({ imageWorker: 1 }) }],
    ["warm instances for a misspelt function", { minInstances: JSON.stringify({ generateImages: 1 }) }],
    ["more warm instances than the function may run", { minInstances: JSON.stringify({ generateVideo: 11 }) }],
    ["a negative warm instance count", { minInstances: JSON.stringify({ getJob: -1 }) }],
    ["a fractional warm instance count", { minInstances: JSON.stringify({ getUsage: 0.5 }) }],
    ["a warm instance count written as text", { minInstances: JSON.stringify({ generateImage: "1" }) }],
  ])("explains %s, naming the file, the key and the value", (_, change) => {
    expect(problem(change)).toMatchSnapshot();
  });

  it("takes the gate and budget keys, and derives the monthly budget from the daily one over 31 days", () => {
    const config = parseStackConfig({
      ...valid,
      signInProviders: '["password", "google.com"]',
      requireEmailVerified: "true",
      appCheck: "enforce",
      appCheckConsume: "true",
      dailyBudgetUsd: "12.5",
      billingAccountId: "012345-567890-ABCDEF",
    });
    expect(config).toMatchObject({
      signInProviders: ["password", "google.com"],
      requireEmailVerified: true,
      appCheck: "enforce",
      appCheckConsume: true,
      dailyBudgetUsd: 12.5,
      monthlyBudgetUsd: 387.5,
      billingAccountId: "012345-567890-ABCDEF",
    });
    const account = { billingAccountId: "012345-567890-ABCDEF" };
    expect(parseStackConfig({ ...valid, ...account, dailyBudgetUsd: "0.1" }).monthlyBudgetUsd).toBe(3.1);
    // No billing account, no budget: the daily cap alone carries no monthly amount.
    expect(parseStackConfig({ ...valid, dailyBudgetUsd: "20" }).monthlyBudgetUsd).toBeUndefined();
  });

  it("prefers an explicit monthly budget, and leaves App Check off and spend unlimited by default", () => {
    const explicit = {
      ...valid,
      dailyBudgetUsd: "20",
      monthlyBudgetUsd: "450",
      billingAccountId: "ABCDEF-012345-678901",
    };
    expect(parseStackConfig(explicit).monthlyBudgetUsd).toBe(450);
    const plain = parseStackConfig(valid);
    expect(plain).toMatchObject({ appCheck: "off", appCheckConsume: false, requireEmailVerified: false });
    expect(plain.dailyBudgetUsd).toBeUndefined();
    expect(plain.monthlyBudgetUsd).toBeUndefined();
    expect(plain.billingAccountId).toBeUndefined();
    expect(plain.signInProviders).toBeUndefined();
  });

  it("takes warm instances for public functions up to their maxInstances, and none by default", () => {
    expect(parseStackConfig(valid).minInstances).toEqual({});
    const generateVideo = platform.functions.find((f) => f.name === "generateVideo")!;
    const minInstances = { generateImage: 1, generateVideo: generateVideo.maxInstances, getJob: 0 };
    expect(parseStackConfig({ ...valid, minInstances: JSON.stringify(minInstances) }).minInstances).toEqual(
      minInstances,
    );
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
