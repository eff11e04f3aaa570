// Entry of the CrossGuard pack for the Pulumi engine:
// `pulumi preview --policy-pack policies --policy-pack-config policies/<stack>.json`.
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./src/pack.ts";

new PolicyPack(PACK_NAME, {
  policies: [...policies],
  description: "IAM, quotas and cost, data protection and runtime hygiene for the genai-platform stacks.",
  provider: "gcp",
  tags: ["gcp", "iam", "cost", "security"],
  enforcementLevel: "mandatory",
});
