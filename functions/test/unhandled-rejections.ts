// Makes an unhandled rejection impossible to miss: any one raised while a functions test file runs
// is recorded and fails that file's next test (or its end), with the reason in the message.
import { afterAll, afterEach } from "vitest";

const recorded: unknown[] = [];
process.on("unhandledRejection", (reason) => {
  recorded.push(reason);
});

function failOnRecorded(): void {
  if (recorded.length === 0) return;
  const reasons = recorded.splice(0).map((reason) => (reason instanceof Error ? reason.stack : String(reason)));
  throw new Error(`unhandled rejection(s) during this test file:\n${reasons.join("\n---\n")}`);
}

afterEach(failOnRecorded);
afterAll(failOnRecorded);
