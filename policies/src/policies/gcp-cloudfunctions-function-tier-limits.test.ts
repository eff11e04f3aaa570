// Spec: the tier limits handed to the functions stay under the caps.
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { gcpCloudfunctionsFunctionTierLimits as policy } from "./gcp-cloudfunctions-function-tier-limits.ts";

const base = fn("generate-image");
const limits = (value: unknown) =>
  withInput(
    base,
    "serviceConfig.environmentVariables.TIER_LIMITS",
    typeof value === "string" ? value : JSON.stringify(value),
  );
const ok = { free: { image: 20, video: 2, agent: 50 }, pro: { image: 500, video: 40, agent: 1000 } };

policySpec(policy, () => [base, fn("image-worker", { worker: true })], [
  {
    change: "pro images over the cap",
    resources: [limits({ ...ok, pro: { ...ok.pro, image: 5000 } })],
    expected: "TIER_LIMITS pro.image 5000 exceeds the cap 1000",
  },
  {
    change: "a tier without a cap",
    resources: [limits({ ...ok, enterprise: { image: 1 } })],
    expected: 'tier "enterprise", which has no cap',
  },
  {
    change: "a kind without a cap",
    resources: [limits({ ...ok, free: { ...ok.free, audio: 1 } })],
    expected: "free.audio, which has no cap",
  },
  {
    change: "limits that are not JSON",
    resources: [limits("free=20")],
    expected: "TIER_LIMITS is not a JSON object of tiers",
  },
  {
    change: "a lower free image cap",
    resources: [base],
    config: { caps: { free: { image: 10, video: 5, agent: 100 }, pro: { image: 1000, video: 100, agent: 2000 } } },
    expected: "free.image 20 exceeds the cap 10",
  },
]);
