// The stack's warm instances: `minInstances` maps a public function to the instances kept running
// (and billed) while idle, so the first request after a quiet spell skips the cold start.
import type { FunctionDefinition } from "@genai-platform/definition";
import { z } from "zod";
import { describeValue, didYouMean } from "./config-errors.ts";

/** Only endpoints users wait on are worth paying idle instances for; workers wait on queues. */
export function warmableFunctions(functions: readonly FunctionDefinition[]): FunctionDefinition[] {
  return functions.filter((f) => f.ingress === "public");
}

/**
 * `{ generateImage: 1, ... }`: each key a public function of the definition, each value a whole
 * number from 0 to that function's maxInstances (more warm instances than it may ever run is a typo).
 */
export function minInstancesSchema(functions: readonly FunctionDefinition[]) {
  const warmable = warmableFunctions(functions);
  const names = warmable.map((f) => f.name);
  return z
    .record(z.string(), z.unknown(), {
      error: `must map public function names to whole numbers, e.g. { ${names[0] ?? "name"}: 1 }`,
    })
    .superRefine((map, ctx) => {
      for (const [name, count] of Object.entries(map)) {
        const fn = warmable.find((f) => f.name === name);
        if (!fn) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `"${name}" is not a public function (public: ${names.join(", ")})${didYouMean(name, names)}`,
          });
        } else if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > fn.maxInstances) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `must be a whole number from 0 to ${fn.maxInstances} (the maxInstances of ${name}), got ${describeValue(count)}`,
          });
        }
      }
    })
    .transform((map) => map as Record<string, number>);
}
