// Gen 2 request concurrency decides how many instances a load needs: it is set on purpose, not left
// to the default, and kept under a cap a single instance can serve.
import { z } from "zod";
import { functionPolicy } from "../function-policy.ts";
import { whereToChange } from "../policy.ts";

const NAME = "gcp-cloudfunctions-function-request-concurrency";

export const configSchema = z.strictObject({
  maxConcurrency: z.number().int().positive().default(1000),
});

export const gcpCloudfunctionsFunctionRequestConcurrency = functionPolicy({
  name: NAME,
  description:
    "Gen 2 functions set serviceConfig.maxInstanceRequestConcurrency (at least 1, under the cap). " +
    "See https://cloud.google.com/functions/docs/configuring/concurrency",
  url: "https://cloud.google.com/functions/docs/configuring/concurrency",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema,
  check: (fn, { maxConcurrency }, reportViolation) => {
    if (fn.concurrency === undefined || fn.concurrency < 1) {
      reportViolation(`function ${fn.name} does not set a request concurrency (maxInstanceRequestConcurrency)`);
    } else if (fn.concurrency > maxConcurrency) {
      reportViolation(
        `function ${fn.name}: request concurrency ${fn.concurrency} exceeds the cap ${maxConcurrency}${whereToChange(NAME, "maxConcurrency", `concurrency of the function deployed as ${fn.name}`)}`,
      );
    }
  },
});
