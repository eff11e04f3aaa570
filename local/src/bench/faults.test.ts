// The fault matrix's fast variant on a real local platform: no fault, every task delivered twice,
// and bursts of model 5xx/429s. Every job ends, none twice charged, none with two model calls at
// once, so CI runs the matrix's scenario, settle and audit code on every change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalPlatform, startLocalPlatform } from "../platform/local-platform.ts";
import { FAST_SCENARIOS } from "./fault-scenarios.ts";
import { type FaultRow, faultMatrixHolds, renderFaultMatrix, runFaultMatrix } from "./faults.ts";

describe("the fault matrix (fast variant)", () => {
  let local: LocalPlatform;
  beforeAll(async () => {
    local = await startLocalPlatform();
  }, 180_000);
  afterAll(() => local?.stop());

  it("settles every scenario's jobs with nothing stranded, called twice or charged twice", async () => {
    const rows: FaultRow[] = await runFaultMatrix({ scenarios: FAST_SCENARIOS, local, settleTimeoutMs: 90_000 });
    console.log(renderFaultMatrix(rows));
    expect(rows.map((r) => r.scenario)).toEqual(FAST_SCENARIOS.map((s) => s.name));
    for (const row of rows) {
      expect(row, row.scenario).toMatchObject({
        settled: true,
        stranded: 0,
        doubleModelCalls: 0,
        doubleCharges: 0,
        doubleRefunds: 0,
      });
      expect(row.succeeded + row.failedRefunded, row.scenario).toBe(row.jobs);
    }
    const [baseline, duplicate, bursts] = rows as [FaultRow, FaultRow, FaultRow];
    expect(baseline).toMatchObject({ jobs: 6, answered202: 6, succeeded: 6, modelCalls: 6 });
    // Twice delivered, once called: the second delivery finds the lease or the finished job.
    expect(duplicate).toMatchObject({ jobs: 4, succeeded: 4, modelCalls: 4 });
    expect(duplicate.deliveries).toBeGreaterThanOrEqual(2 * 4);
    // The six refused calls were retried by the queue: more calls than jobs, all of them succeeded.
    expect(bursts).toMatchObject({ jobs: 4, succeeded: 4 });
    expect(bursts.modelCalls).toBe(4 + 6);
    expect(faultMatrixHolds(rows)).toBe(true);
  }, 300_000);
});
