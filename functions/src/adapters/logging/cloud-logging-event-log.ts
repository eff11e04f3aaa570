// EventLog as Cloud Logging structured JSON on stdout: Cloud Run's agent turns each line into a log
// entry (severity, message, trace), and the log sink selects exactly these by `eventType`.
import { platform } from "@genai-platform/definition";
import type { EventLog, GenerationEvent } from "../../ports/index.ts";

export type LogWriter = (line: string) => void;

/**
 * The field that ties a structured log line to its request's trace in Cloud Logging.
 * Source: https://cloud.google.com/logging/docs/structured-logging#special-payload-fields
 */
export function traceField(project: string, trace: string): Record<string, string> {
  return { "logging.googleapis.com/trace": `projects/${project}/traces/${trace}` };
}

export class CloudLoggingEventLog implements EventLog {
  private readonly project: string;
  private readonly write: LogWriter;

  constructor(options: { project: string; write?: LogWriter }) {
    this.project = options.project;
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  generation(event: GenerationEvent, severity: "INFO" | "WARNING" | "ERROR" = "INFO"): void {
    const { event: name, trace, ...fields } = event;
    const entry: Record<string, unknown> = {
      severity,
      message: `${event.kind} ${name}${event.jobId ? ` ${event.jobId}` : ""}${event.errorCode ? ` (${event.errorCode})` : ""}`,
      eventType: platform.generationEvent.eventType,
      event: name,
      ...fields,
    };
    if (trace) {
      entry.trace = trace;
      Object.assign(entry, traceField(this.project, trace));
    }
    this.write(JSON.stringify(entry));
  }

  warning(message: string, fields: Record<string, unknown> = {}): void {
    // No eventType: the log sink routes generation events only, this stays in Cloud Logging.
    this.write(JSON.stringify({ ...fields, severity: "WARNING", message }));
  }
}

/** The trace id of an `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1` header, if well-formed. */
export function traceIdOf(header: string | undefined): string | undefined {
  const match = header?.match(/^([0-9a-f]{32})(?:\/|$)/i);
  return match?.[1]?.toLowerCase();
}
