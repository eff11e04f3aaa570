// Scripted failures for the local Vertex AI server: each fault answers the next matching request(s)
// with an HTTP error, a delay, or a safety block, so tests and benchmarks can drive retries.
import { z } from "zod";
import { ScriptedFaults } from "../scripted-faults.ts";

export const vertexFaultSchema = z.strictObject({
  /** Only requests to this model id; any model when absent. */
  model: z.string().min(1).optional(),
  /** Only requests whose prompt (or polled operation name) contains this text; any when absent. */
  promptIncludes: z.string().min(1).optional(),
  /** Answer with this HTTP status and Google's error JSON instead of a result. */
  status: z.number().int().min(400).max(599).optional(),
  /** Wait this long before answering (longer than a client's deadline makes a timeout). */
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** Answer with a safety block (images, agent: promptFeedback.blockReason; Veo: a filtered operation). */
  safety: z.boolean().optional(),
  /** How many matching requests it applies to; default 1. */
  times: z.number().int().min(1).max(1_000_000).optional(),
});
export type VertexFault = z.infer<typeof vertexFaultSchema>;

/** Faults in the order they were pushed; the first one matching a request is used and counted down. */
export class FaultQueue extends ScriptedFaults<VertexFault> {
  constructor() {
    super(vertexFaultSchema);
  }

  /** The fault for a request to `model` about `subject` (its prompt), if any, consuming one use of it. */
  take(model: string, subject = ""): VertexFault | undefined {
    return this.takeFirst(
      (fault) =>
        (fault.model === undefined || fault.model === model) &&
        (fault.promptIncludes === undefined || subject.includes(fault.promptIncludes)),
    );
  }
}
