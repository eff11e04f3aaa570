import { describe, expect, it } from "vitest";
import { renderViolations } from "./report.ts";
import type { Violation } from "./snapshot.ts";

const urn = (name: string) => `urn:pulumi:prod::genai-platform::gcp:cloudtasks/queue:Queue::${name}`;
const located = (name: string): Violation => ({
  policy: "gcp-all-resources-allowed-locations",
  level: "mandatory",
  urn: urn(name),
  message: `${name}: region us-central1 is not one of europe-west1, eur3, EU`,
});

describe("the policy verdict", () => {
  it("shows one row for a setting that fails many resources the same way, naming them", () => {
    const many = ["a", "b", "c", "d", "e", "f", "g", "h"].map((n) => located(`queue-${n}`));
    const other: Violation = {
      policy: "gcp-iam-grant-no-public-principals",
      level: "mandatory",
      urn: urn("invoker-image-worker-allUsers"),
      message: 'Cloud Run service "image-worker" grants roles/run.invoker to allUsers',
    };
    expect(
      renderViolations([...many, other, located("x"), { ...located("y"), level: "advisory" }]),
    ).toMatchInlineSnapshot(`
      "Policy violations (11: 10 mandatory, 1 advisory)
      policy                               level      resource                       message
      -----------------------------------  ---------  -----------------------------  ---------------------------------------
      gcp-all-resources-allowed-locations  mandatory  9 resources                    region us-central1 is not one of
                                                                                     europe-west1, eur3, EU (on queue-a,
                                                                                     queue-b, queue-c, queue-d, queue-e,
                                                                                     queue-f and 3 more)
      gcp-iam-grant-no-public-principals   mandatory  invoker-image-worker-allUsers  Cloud Run service "image-worker" grants
                                                                                     roles/run.invoker to allUsers
      gcp-all-resources-allowed-locations  advisory   y                              y: region us-central1 is not one of
                                                                                     europe-west1, eur3, EU"
    `);
  });

  it("keeps separate rows when only two resources share a message", () => {
    const text = renderViolations([located("one"), located("two")]);
    expect(text).toContain("one: region us-central1");
    expect(text).toContain("two: region us-central1");
  });
});
