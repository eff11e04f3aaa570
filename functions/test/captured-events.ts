// An EventLog that parses the real Cloud Logging lines back, so tests assert on what production writes.
import { CloudLoggingEventLog } from "../src/adapters/logging/cloud-logging-event-log.ts";

export function capturedEvents(project = "demo-project") {
  const lines: Array<Record<string, unknown>> = [];
  const log = new CloudLoggingEventLog({ project, write: (line) => lines.push(JSON.parse(line)) });
  return { log, lines };
}
