// The label table matches the installed provider: every listed input exists on that resource's args.
import { describe, expect, it } from "vitest";
import { gcpArgNames } from "../test/gcp-args.ts";
import { LABEL_INPUTS } from "./labels.ts";

describe("LABEL_INPUTS", () => {
  it.each([...LABEL_INPUTS])("%s takes user labels in %s", (type, key) => {
    expect(gcpArgNames(type)).toContain(key);
  });

  it("reads notification channels' user labels, not their channel configuration", () => {
    expect(LABEL_INPUTS.get("gcp:monitoring/notificationChannel:NotificationChannel")).toBe("userLabels");
  });
});
