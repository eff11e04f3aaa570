// Spec: memory and timeout under the caps, whatever unit the memory is written in.
import { describe, expect, it } from "vitest";
import { policySpec } from "../../test/check.ts";
import { fn, withInput } from "../../test/fixtures.ts";
import { memoryMiB } from "../functions.ts";
import { gcpCloudfunctionsFunctionResourceLimits as policy } from "./gcp-cloudfunctions-function-resource-limits.ts";

const base = fn("image-worker", { worker: true });
policySpec(
  policy,
  () => [base],
  [
    {
      change: "4Gi of memory",
      resources: [withInput(base, "serviceConfig.availableMemory", "4Gi")],
      expected: "memory 4096 MiB exceeds the cap 1024 MiB",
    },
    {
      change: "a 15-minute timeout",
      resources: [withInput(base, "serviceConfig.timeoutSeconds", 900)],
      expected: "timeout 900s exceeds the cap 300s",
    },
  ],
  { memoryMiB: 1024, timeoutSeconds: 300 },
);

describe("memoryMiB", () => {
  it.each([
    ["256Mi", 256],
    ["1Gi", 1024],
    ["2G", 1907.3486328125],
    ["512M", 488.28125],
    ["lots", undefined],
  ])("reads %s as %s MiB", (text, mib) => {
    expect(memoryMiB(text)).toBe(mib);
  });
});
