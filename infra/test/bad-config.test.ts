// A bad or missing stack config key stops the real program before any resource is declared, with
// an error naming the stack file and the fully qualified key (what `pulumi up` would print).
import { describe, expect, it } from "vitest";
import { StackConfigError } from "../config.ts";
import { evaluateStack, REPO_ROOT } from "../plan/evaluate.ts";
import { readStackConfig } from "../plan/stack-config.ts";

const dev = readStackConfig(REPO_ROOT, "dev");

describe("the program with a bad stack config", () => {
  it.each([
    ["genai-platform:mediaRetentionDays", "0", "must be a positive integer"],
    ["genai-platform:alertEmail", undefined, "is required"],
    ["genai-platform:environment", "staging", "must be `dev` or `prod`"],
    ["genai-platform:webOrigins", '["not a url"]', 'must be an http(s) origin, got "not a url" (text)'],
    ["gcp:region", "europe-west99", '"europe-west99" is not a Cloud Functions region'],
    ["genai-platform:mediaRetentionDay", "7", "unknown key — did you mean mediaRetentionDays?"],
    ["gcp:project", "Not_A_Project", "must be a Google Cloud project id"],
    ["genai-platform:appCheck", "strict", "must be off, monitor or enforce"],
    ["genai-platform:billingAccountId", "billing-1", "must be a billing account id such as 012345-567890-ABCDEF"],
    ["genai-platform:dailyBudgetUsd", "-20", "must be a positive amount of US dollars with at most 2 decimals"],
  ])("stops naming the stack file and %s", async (key, value, message) => {
    const config: Record<string, string> = { ...dev };
    if (value === undefined) delete config[key];
    else config[key] = value;
    const attempt = evaluateStack({ stack: "dev", config });
    await expect(attempt).rejects.toBeInstanceOf(StackConfigError);
    await expect(attempt).rejects.toThrow(
      `Pulumi.dev.yaml: ${key}${key.includes("webOrigins") ? "[0]" : ""}: ${message}`,
    );
  });
});
