// Scripted failures for the local Cloud Tasks server, so tests and benchmarks can drive what the
// real service does rarely: a CreateTask that fails (before or after the task was stored, the
// caller cannot tell which) and a task delivered twice.
import { z } from "zod";
import { ScriptedFaults } from "../scripted-faults.ts";

export const taskFaultSchema = z
  .strictObject({
    /** Only CreateTask calls on this queue (its short name, e.g. `image-jobs`); any queue when absent. */
    queue: z.string().min(1).optional(),
    /**
     * CreateTask answers this status with Google's error JSON. 503 is UNAVAILABLE, the code
     * Google documents as transient and safe to retry with backoff.
     */
    createStatus: z.union([z.literal(500), z.literal(503), z.literal(504)]).optional(),
    /** With createStatus: the task is stored (and delivered) first, only the answer is an error. */
    afterCreate: z.boolean().optional(),
    /** The task is stored and delivered twice, with the same headers (at-least-once delivery). */
    duplicate: z.boolean().optional(),
    /** How many matching CreateTask calls it applies to; default 1. */
    times: z.number().int().min(1).max(1_000_000).optional(),
  })
  .refine((f) => f.createStatus !== undefined || f.duplicate === true, {
    message: "a task fault needs createStatus or duplicate",
  })
  .refine((f) => !f.afterCreate || f.createStatus !== undefined, { message: "afterCreate needs createStatus" });
export type TaskFault = z.infer<typeof taskFaultSchema>;

/** Faults in the order they were pushed; the first one matching a CreateTask is used and counted down. */
export class TaskFaults extends ScriptedFaults<TaskFault> {
  constructor() {
    super(taskFaultSchema);
  }

  /** The fault for a CreateTask on `queue`, if any, consuming one use of it. */
  take(queue: string): TaskFault | undefined {
    return this.takeFirst((fault) => fault.queue === undefined || fault.queue === queue);
  }
}
