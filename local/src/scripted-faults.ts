// The queue behind every stand-in's scripted failures: faults in the order they were pushed, each
// validated by the stand-in's own schema; the first one matching a request is used and counted
// down, and gone once its `times` are spent.
import type { z } from "zod";

export class ScriptedFaults<F extends { times?: number | undefined }> {
  private readonly faults: Array<F & { remaining: number }> = [];
  private readonly schema: z.ZodType<F>;

  constructor(schema: z.ZodType<F>) {
    this.schema = schema;
  }

  push(...faults: F[]): void {
    for (const fault of faults) {
      const parsed = this.schema.parse(fault);
      this.faults.push({ ...parsed, remaining: parsed.times ?? 1 });
    }
  }

  /** The first fault that `matches`, if any, consuming one use of it. */
  protected takeFirst(matches: (fault: F) => boolean): F | undefined {
    const index = this.faults.findIndex(matches);
    if (index < 0) return undefined;
    const fault = this.faults[index] as F & { remaining: number };
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    const { remaining: _remaining, ...rest } = fault;
    return rest as unknown as F;
  }

  /** Uses left across all faults. */
  pending(): number {
    return this.faults.reduce((sum, fault) => sum + fault.remaining, 0);
  }

  clear(): void {
    this.faults.length = 0;
  }
}
