// Data residency and latency: every located resource (functions, queues, buckets, datasets, Firestore)
// sits in one of the stack's allowed locations.
import { z } from "zod";
import { PACK_CONFIG, type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";
import { asString } from "../values.ts";

const NAME = "gcp-all-resources-allowed-locations";

/** Inputs that carry a location across GCP resource types. */
const LOCATION_INPUTS = ["location", "region", "locationId"] as const;

export const configSchema = z.strictObject({
  /** Regions, multi-regions (EU, eur3) and `global`; compared case-insensitively. */
  allowedLocations: z.array(z.string().min(1)).min(1).default(["europe-west1", "eur3", "EU"]),
});

export const gcpAllResourcesAllowedLocations: PackResourcePolicy = {
  name: NAME,
  description:
    "Resources with a location, region or locationId use one from the stack's allow-list. " +
    "See https://cloud.google.com/resource-manager/docs/organization-policy/defining-locations",
  url: "https://cloud.google.com/resource-manager/docs/organization-policy/defining-locations",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    if (!args.type.startsWith("gcp:")) args.notApplicable("not a Google Cloud resource");
    const located = LOCATION_INPUTS.flatMap((key) => {
      const value = asString(args.props[key]);
      return value ? [[key, value] as const] : [];
    });
    if (located.length === 0) args.notApplicable("no location inputs");
    const { allowedLocations } = readConfig(NAME, configSchema, args);
    const allowed = new Set(allowedLocations.map((l) => l.toLowerCase()));
    for (const [key, value] of located) {
      if (!allowed.has(value.toLowerCase())) {
        reportViolation(
          `${args.name}: ${key} ${value} is not one of ${allowedLocations.join(", ")} ` +
            `(${NAME}.allowedLocations in ${PACK_CONFIG}; the stack's locations are in its Pulumi.<stack>.yaml)`,
        );
      }
    }
  },
};
