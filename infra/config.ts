// The stack's configuration, read from Pulumi config and validated with zod before any resource
// exists: a bad or missing key stops the program with one error naming that key.

import {
  type ModelChoices,
  modelChoiceIssues,
  modelQuotaIssues,
  platform,
  type TierLimits,
  tierLimitsSchema,
  vertexLocationSchema,
} from "@genai-platform/definition";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DEFAULT_PROPAGATION_SECONDS } from "./dynamic/propagation-wait.ts";

/** Pulumi project name: the namespace of this program's own config keys. */
export const PROJECT_NAMESPACE = "genai-platform";

export class StackConfigError extends Error {
  /** Fully qualified key, e.g. `genai-platform:mediaRetentionDays`. */
  readonly key: string;
  constructor(key: string, message: string) {
    super(`${key}: ${message}`);
    this.name = "StackConfigError";
    this.key = key;
  }
}

const required = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? "is required" : what),
});
const text = (what: string) => z.string(required(what)).trim().min(1, "must not be empty");
const positiveInt = z
  .number(required("must be a positive integer"))
  .int("must be a positive integer")
  .positive("must be a positive integer");

/** Google Cloud locations are lowercase words and digits joined by hyphens (`europe-west1`, `eur3`). */
const location = text("must be a location").regex(/^[a-z]+[a-z0-9-]*$/, "must be a lowercase location id");

/**
 * With user credentials (`gcloud auth application-default login`) the Firebase APIs refuse calls
 * without a quota project ("The firebaserules.googleapis.com API requires a quota project"):
 * https://github.com/hashicorp/terraform-provider-google/issues/8263. The provider sends one only
 * when `userProjectOverride` is true and `billingProject` names it:
 * https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#user_project_override
 */
const QUOTA_PROJECT_HINT =
  "the Firebase APIs need a quota project with user credentials; set gcp:userProjectOverride: true and gcp:billingProject: <project id>";

const stackConfigSchema = z.object({
  "gcp:project": text("must be a project id").regex(
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    "must be a Google Cloud project id",
  ),
  "gcp:region": location,
  "gcp:userProjectOverride": z.literal(true, {
    error: (issue) => `${issue.input === undefined ? "is required" : "must be true"}: ${QUOTA_PROJECT_HINT}`,
  }),
  "gcp:billingProject": z
    .string({ error: `is required: ${QUOTA_PROJECT_HINT}` })
    .trim()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, `must be a Google Cloud project id: ${QUOTA_PROJECT_HINT}`),
  environment: z.enum(["dev", "prod"], required("must be `dev` or `prod`")),
  /** Per kind, the model id and/or Vertex AI location replacing the definition's default. */
  models: z
    .strictObject(
      Object.fromEntries(
        (["image", "video", "agent"] as const).map((kind) => [
          kind,
          z
            .strictObject({ id: text("must be a model id").optional(), location: vertexLocationSchema.optional() })
            .optional(),
        ]),
      ),
    )
    .optional(),
  firestoreLocation: location,
  webOrigins: z
    .array(z.url({ protocol: /^https?$/, error: "must be an http(s) origin" }), required("must be a list of origins"))
    .min(1, "must list at least one origin"),
  alertEmail: z.email(required("must be an email address")),
  mediaRetentionDays: positiveInt,
  datasetLocation: text("must be a BigQuery location"),
  logTableExpirationDays: positiveInt,
  signedUrlTtlSeconds: z
    .number("must be an integer from 60 to 3600")
    .int("must be an integer from 60 to 3600")
    .min(60, "must be an integer from 60 to 3600")
    .max(3600, "must be an integer from 60 to 3600")
    .default(900),
  deletionProtection: z.boolean(required("must be true or false")),
  iamPropagationSeconds: z
    .number("must be an integer from 0 to 900")
    .int("must be an integer from 0 to 900")
    .min(0, "must be an integer from 0 to 900")
    .max(900, "must be an integer from 0 to 900")
    .default(DEFAULT_PROPAGATION_SECONDS),
  tierLimits: tierLimitsSchema.optional(),
});

/** Keys whose values Pulumi hands over as JSON text (numbers, booleans, lists, objects). */
const JSON_KEYS = new Set([
  "gcp:userProjectOverride",
  "iamPropagationSeconds",
  "webOrigins",
  "mediaRetentionDays",
  "logTableExpirationDays",
  "signedUrlTtlSeconds",
  "deletionProtection",
  "tierLimits",
  "models",
]);

export const STACK_CONFIG_KEYS = Object.keys(stackConfigSchema.shape) as (keyof typeof stackConfigSchema.shape)[];

export interface StackConfig {
  project: string;
  region: string;
  /** Quota project the provider sends with user credentials (`gcp:billingProject`). */
  billingProject: string;
  environment: "dev" | "prod";
  /** The model and Vertex AI location each kind calls: the definition's defaults, overridden per kind. */
  models: ModelChoices;
  firestoreLocation: string;
  webOrigins: string[];
  alertEmail: string;
  mediaRetentionDays: number;
  datasetLocation: string;
  logTableExpirationDays: number;
  signedUrlTtlSeconds: number;
  deletionProtection: boolean;
  /** Seconds to let IAM grants and service identities propagate before functions build. */
  iamPropagationSeconds: number;
  /** The stack's override of the definition's tier limits, if any. */
  tierLimits?: TierLimits;
}

/** `environment` -> `genai-platform:environment`; `gcp:*` keys are already qualified. */
export function qualifiedKey(key: string): string {
  return key.includes(":") ? key : `${PROJECT_NAMESPACE}:${key}`;
}

/**
 * Validates raw config values (strings as Pulumi stores them, keyed by short or `gcp:` name).
 * Pure, so tests can feed it bad values without a Pulumi runtime.
 */
export function parseStackConfig(raw: Readonly<Record<string, string | undefined>>): StackConfig {
  const decoded: Record<string, unknown> = {};
  for (const key of STACK_CONFIG_KEYS) {
    const value = raw[key];
    if (value === undefined || !JSON_KEYS.has(key)) {
      decoded[key] = value;
      continue;
    }
    try {
      decoded[key] = JSON.parse(value);
    } catch {
      throw new StackConfigError(qualifiedKey(key), "is not valid JSON");
    }
  }
  const parsed = stackConfigSchema.safeParse(decoded);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [key, ...rest] = issue?.path ?? [];
    const message = issue?.message ?? "is invalid";
    const where = rest.length > 0 && !message.startsWith(rest.join(".")) ? `${rest.join(".")} ` : "";
    throw new StackConfigError(qualifiedKey(String(key ?? "(config)")), `${where}${message}`);
  }
  const c = parsed.data;
  const models = chosenModels(c.models as Partial<Record<keyof ModelChoices, Partial<ModelChoices["image"]>>>);
  return {
    project: c["gcp:project"],
    region: c["gcp:region"],
    billingProject: c["gcp:billingProject"],
    environment: c.environment,
    models,
    firestoreLocation: c.firestoreLocation,
    webOrigins: c.webOrigins,
    alertEmail: c.alertEmail,
    mediaRetentionDays: c.mediaRetentionDays,
    datasetLocation: c.datasetLocation,
    logTableExpirationDays: c.logTableExpirationDays,
    signedUrlTtlSeconds: c.signedUrlTtlSeconds,
    deletionProtection: c.deletionProtection,
    iamPropagationSeconds: c.iamPropagationSeconds,
    ...(c.tierLimits ? { tierLimits: c.tierLimits } : {}),
  };
}

/**
 * The definition's default models with the stack's overrides, checked against the models the
 * definition knows Google serves, and against the per-minute quota of the queues that call them.
 */
function chosenModels(
  overrides: Partial<Record<keyof ModelChoices, Partial<ModelChoices["image"]>>> = {},
): ModelChoices {
  const models = {} as ModelChoices;
  for (const kind of ["image", "video", "agent"] as const) {
    const override = overrides[kind] ?? {};
    const base = platform.defaultModels[kind];
    // A new id without a location takes the first location that model is served in.
    const served = platform.models.find((m) => m.id === override.id)?.locations[0];
    models[kind] = {
      id: override.id ?? base.id,
      location: override.location ?? (override.id ? (served ?? base.location) : base.location),
    };
  }
  const issue = modelChoiceIssues(platform.models, models, "models")[0] ?? modelQuotaIssues(platform, models)[0];
  if (issue) {
    const [path, ...message] = issue.split(": ");
    const key = path?.startsWith("models.") ? qualifiedKey(path) : qualifiedKey("models");
    throw new StackConfigError(key, path?.startsWith("models.") ? message.join(": ") : issue);
  }
  return models;
}

/** Reads and validates the current stack's config from the Pulumi runtime. */
export function loadStackConfig(): StackConfig {
  const own = new pulumi.Config(PROJECT_NAMESPACE);
  const gcp = new pulumi.Config("gcp");
  const raw: Record<string, string | undefined> = {};
  for (const key of STACK_CONFIG_KEYS) {
    raw[key] = key.startsWith("gcp:") ? gcp.get(key.slice(4)) : own.get(key);
  }
  return parseStackConfig(raw);
}
