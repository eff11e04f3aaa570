// Wraps a scheduled run (the sweeper) as a functions-framework HTTP function for Cloud Scheduler:
// POST only, one run per request, one structured log line with the run's report, and the report as
// the 200 answer. A failed run answers the error mapper's status, so Cloud Scheduler records the
// attempt as failed and retries it under the job's retry config. Who may call it is Cloud Run's
// check (internal ingress, run.invoker for the scheduler identity only), played locally by the host.
import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { AppError } from "../../domain/errors.ts";
import { traceIdOf } from "../logging/cloud-logging-event-log.ts";
import { errorAnswer } from "./error-answer.ts";

export interface ScheduledRun<R extends object> {
  /** Names the run in its log line, e.g. `sweep`. */
  name: string;
  /** One whole run; takes no input (the schedule carries none). */
  run(): Promise<R>;
  /** Where the structured line goes; default stdout, which Cloud Run's agent turns into a log entry. */
  write?: (line: string) => void;
  logError?: (error: unknown) => void;
}

export function scheduledFunction<R extends object>(scheduled: ScheduledRun<R>): HttpFunction {
  const write = scheduled.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logError =
    scheduled.logError ??
    ((error: unknown) =>
      console.error(JSON.stringify({ severity: "ERROR", message: `${scheduled.name}: ${String(error)}` })));
  return async (req: Request, res: Response) => {
    try {
      if (req.method !== "POST") {
        res.set("Allow", "POST");
        throw new AppError("METHOD_NOT_ALLOWED", `${scheduled.name} accepts POST from Cloud Scheduler only`);
      }
      const startedAt = Date.now();
      const report = await scheduled.run();
      const trace = traceIdOf(req.get("x-cloud-trace-context"));
      write(
        JSON.stringify({
          severity: "INFO",
          message: `${scheduled.name}: ${Object.entries(report)
            .map(([key, value]) => `${key} ${String(value)}`)
            .join(", ")}`,
          [scheduled.name]: report,
          latencyMs: Date.now() - startedAt,
          ...(trace ? { trace } : {}),
        }),
      );
      res.status(200).json(report);
    } catch (error) {
      const answer = errorAnswer(error, logError);
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.set(name, value);
      res.status(answer.status).json(answer.body);
    }
  };
}
