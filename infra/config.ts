// The stack's configuration, read from Pulumi config and validated with zod before any resource
// exists: bad, missing or unknown keys stop the program with one error naming the file and each key.

import {
  capacityIssues,
  type ModelChoices,
  modelChoiceIssues,
  modelQuotaIssues,
  platform,
  type TierLimits,
  tierLimitsSchema,
} from "@genai-platform/definition";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type ConfigProblem, didYouMean, issueProblems, joinKey, plainMessage, unknownKeys } from "./config-errors.ts";
import { minInstancesSchema } from "./config-min-instances.ts";
import { DEFAULT_PROPAGATION_SECONDS } from "./dynamic/propagation-wait.ts";
import { DATASET_LOCATIONS, FIRESTORE_LOCATIONS, FUNCTION_REGIONS, VERTEX_LOCATIONS } from "./locations.ts";

/** Pulumi project name: the namespace of this program's own config keys. */
export const PROJECT_NAMESPACE = "genai-platform";

export class StackConfigError extends Error {
  /** The stack file the values come from, e.g. `Pulumi.dev.yaml`. */
  readonly file: string;
  /** Fully qualified key of the first problem, e.g. `genai-platform:mediaRetentionDays`. */
  readonly key: string;
  readonly problems: readonly ConfigProblem[];
  constructor(file: string, problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `${p.key}: ${p.message}`);
    super(
      lines.length === 1
        ? `${file}: ${lines[0]}`
        : `${file} has ${lines.length} problems:\n${lines.map((l) => `  ${l}`).join("\n")}`,
    );
    this.name = "StackConfigError";
    this.file = file;
    this.key = problems[0]?.key ?? "(config)";
    this.problems = problems;
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

/** One of the locations this program supports for a service (infra/locations.ts). */
const location = (what: string, supported: readonly string[]) =>
  text(`must be ${what}`).refine((value) => supported.includes(value), {
    error: (issue) =>
      `"${String(issue.input)}" is not ${what} this program supports (infra/locations.ts)${didYouMean(String(issue.input), supported)}`,
  });

/**
 * With user credentials (`gcloud auth application-default login`) the Firebase APIs refuse calls
 * without a quota project ("The firebaserules.googleapis.com API requires a quota project"):
 * https://github.com/hashicorp/terraform-provider-google/issues/8263. The provider sends one only
 * when `userProjectOverride` is true and `billingProject` names it:
 * https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#user_project_override
 */
const QUOTA_PROJECT_HINT =
  "the Firebase APIs need a quota project with user credentials; set gcp:userProjectOverride: true and gcp:billingProject: <project id>";

/**
 * A Cloud Billing account id: three groups of six upper-case hex digits, `012345-567890-ABCDEF`.
 * Source: https://cloud.google.com/billing/docs/reference/rest/v1/billingAccounts (name
 * `billingAccounts/012345-567890-ABCDEF`)
 */
const BILLING_ACCOUNT_ID = /^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/;

/** Whole cents: the functions compare spend in cents, and the budget API takes units and nanos. */
const usdAmount = (what: string) =>
  z
    .number(required(`must be ${what}`))
    .positive(`must be ${what}`)
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, { error: `must be ${what}` });
const USD = "a positive amount of US dollars with at most 2 decimals";

/** Firebase Auth sign-in provider ids as ID tokens carry them (`firebase.sign_in_provider`). */
const signInProvider = z.string().regex(/^[a-z0-9.]+$/, "must be a sign-in provider id such as password or google.com");

const stackConfigSchema = z
  .object({
    "gcp:project": text("must be a project id").regex(
      /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
      "must be a Google Cloud project id",
    ),
    "gcp:region": location("a Cloud Functions region", FUNCTION_REGIONS),
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
              .strictObject({
                id: text("must be a model id").optional(),
                location: location("a Vertex AI location", VERTEX_LOCATIONS).optional(),
              })
              .optional(),
          ]),
        ),
      )
      .optional(),
    firestoreLocation: location("a Firestore location", FIRESTORE_LOCATIONS),
    webOrigins: z
      .array(z.url({ protocol: /^https?$/, error: "must be an http(s) origin" }), required("must be a list of origins"))
      .min(1, "must list at least one origin"),
    alertEmail: z.email(required("must be an email address")),
    mediaRetentionDays: positiveInt,
    datasetLocation: location("a BigQuery location", DATASET_LOCATIONS),
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
    /** Sign-in providers allowed to generate; absent: any. */
    signInProviders: z
      .array(signInProvider, "must be a list of sign-in provider ids")
      .min(1, "must list at least one provider (leave the key out to allow any)")
      .optional(),
    requireEmailVerified: z.boolean("must be true or false").default(false),
    appCheck: z.enum(["off", "monitor", "enforce"], "must be off, monitor or enforce").default("off"),
    appCheckConsume: z.boolean("must be true or false").default(false),
    /** Warm instances per public function; absent: the definition's minInstances. */
    minInstances: minInstancesSchema(platform.functions).optional(),
    /** The platform-wide daily spend cap the admissions reserve against; absent: unlimited. */
    dailyBudgetUsd: usdAmount(USD).optional(),
    /** The billing budget's monthly amount; default dailyBudgetUsd x 31. */
    monthlyBudgetUsd: usdAmount(USD).optional(),
    billingAccountId: z
      .string("must be a billing account id such as 012345-567890-ABCDEF")
      .regex(BILLING_ACCOUNT_ID, "must be a billing account id such as 012345-567890-ABCDEF (upper-case hex)")
      .optional(),
  })
  .superRefine((c, ctx) => {
    // Settings that would be silently ignored are refused instead, each naming its key.
    if (c.appCheckConsume && c.appCheck === "off") {
      ctx.addIssue({
        code: "custom",
        path: ["appCheckConsume"],
        message: "needs appCheck monitor or enforce (App Check is off)",
      });
    }
    if (c.monthlyBudgetUsd !== undefined && c.billingAccountId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["monthlyBudgetUsd"],
        message: "sets the billing budget, which needs billingAccountId",
      });
    }
    if (c.billingAccountId !== undefined && c.dailyBudgetUsd === undefined && c.monthlyBudgetUsd === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["billingAccountId"],
        message: "the billing budget needs an amount: set dailyBudgetUsd (x 31 a month) or monthlyBudgetUsd",
      });
    }
  });

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
  /** Sign-in providers allowed to generate; undefined: any. */
  signInProviders?: string[];
  requireEmailVerified: boolean;
  /** App Check on the spending endpoints. */
  appCheck: "off" | "monitor" | "enforce";
  /** Consume (replay-protect) App Check tokens. */
  appCheckConsume: boolean;
  /** Warm instances per public function name, overriding the definition's minInstances; empty: none overridden. */
  minInstances: Readonly<Record<string, number>>;
  /** Platform-wide daily spend cap in USD; undefined: unlimited (no daily alert either). */
  dailyBudgetUsd?: number;
  /** Monthly amount of the billing budget (`monthlyBudgetUsd`, else dailyBudgetUsd x 31); only with a billing account. */
  monthlyBudgetUsd?: number;
  /** Billing account of the project; undefined: no billing budget is declared. */
  billingAccountId?: string;
}

/** Days in the longest month: a daily cap spent every day of any month stays within the budget. */
export const DAYS_PER_BUDGET_MONTH = 31;

/** `environment` -> `genai-platform:environment`; `gcp:*` keys are already qualified. */
export function qualifiedKey(key: string): string {
  return key.includes(":") ? key : `${PROJECT_NAMESPACE}:${key}`;
}

/**
 * Pulumi hands every value over as a string, JSON for anything that is not a string in the YAML.
 * Decoding by what the schema accepts keeps text that looks like JSON (`"123"`) as text where text
 * belongs, and works for any key added to the schema.
 */
function decode(schema: z.ZodType, value: string): unknown {
  if (schema.safeParse(value).success) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Where the stack's values come from, for messages: `Pulumi.<stack>.yaml`. */
export const stackFileName = (stack: string) => `Pulumi.${stack}.yaml`;

/**
 * Validates raw config values (strings as Pulumi stores them, keyed by short or `gcp:` name; keys of
 * other providers are ignored). Every problem is reported at once, each naming the key and the value.
 * Pure, so tests can feed it bad values without a Pulumi runtime.
 */
export function parseStackConfig(
  raw: Readonly<Record<string, string | undefined>>,
  options: { file?: string } = {},
): StackConfig {
  const file = options.file ?? "stack config";
  const shape: Record<string, z.ZodType> = stackConfigSchema.shape;
  const decoded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || (key.includes(":") && !(key in shape))) continue;
    decoded[key] = shape[key] ? decode(shape[key], value) : value;
  }
  const unknown = unknownKeys(stackConfigSchema, decoded);
  const parsed = stackConfigSchema.safeParse(decoded, { error: plainMessage });
  const qualify = (path: readonly PropertyKey[]) => joinKey(qualifiedKey(String(path[0])), path.slice(1));
  // A misspelt key also leaves the key it meant missing: the suggestion already says so.
  const meant = new Set(
    unknown.flatMap((u) => (u.suggestion ? [qualify([...u.path.slice(0, -1), u.suggestion])] : [])),
  );
  const problems: ConfigProblem[] = [
    ...unknown.map((u) => ({
      key: qualify(u.path),
      message: `unknown key${u.suggestion ? ` — did you mean ${u.suggestion}?` : ""}`,
    })),
    ...(parsed.success ? [] : issueProblems(parsed.error.issues, decoded))
      .map((p) => {
        // A check that words its own message with the nested path (`pro.image (5) must ...`) names the top key.
        const own = p.path.length > 1 && p.message.startsWith(p.path.slice(1).join("."));
        return {
          key: qualify(p.path.length === 0 ? ["(config)"] : own ? p.path.slice(0, 1) : p.path),
          message: p.message,
        };
      })
      .filter((p) => !(meant.has(p.key) && p.message === "is required")),
  ];
  if (problems.length > 0 || !parsed.success) throw new StackConfigError(file, problems);
  const c = parsed.data;
  const { models, problems: modelProblems } = chosenModels(
    c.models as Partial<Record<keyof ModelChoices, Partial<ModelChoices["image"]>>>,
  );
  if (modelProblems.length > 0) throw new StackConfigError(file, modelProblems);
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
    ...(c.signInProviders ? { signInProviders: c.signInProviders } : {}),
    requireEmailVerified: c.requireEmailVerified,
    appCheck: c.appCheck,
    appCheckConsume: c.appCheckConsume,
    minInstances: c.minInstances ?? {},
    ...(c.dailyBudgetUsd === undefined ? {} : { dailyBudgetUsd: c.dailyBudgetUsd }),
    ...(c.billingAccountId === undefined ? {} : monthlyBudget(c.monthlyBudgetUsd, c.dailyBudgetUsd)),
    ...(c.billingAccountId === undefined ? {} : { billingAccountId: c.billingAccountId }),
  };
}

/** The explicit monthly amount, else the daily cap over the longest month, in whole cents. */
function monthlyBudget(monthly: number | undefined, daily: number | undefined): { monthlyBudgetUsd?: number } {
  if (monthly !== undefined) return { monthlyBudgetUsd: monthly };
  if (daily === undefined) return {};
  return { monthlyBudgetUsd: Math.round(daily * 100 * DAYS_PER_BUDGET_MONTH) / 100 };
}

/**
 * The definition's default models with the stack's overrides, checked against the models the
 * definition knows Google serves, and against the per-minute quota of the queues that call them.
 */
function chosenModels(overrides: Partial<Record<keyof ModelChoices, Partial<ModelChoices["image"]>>> = {}): {
  models: ModelChoices;
  problems: ConfigProblem[];
} {
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
  const choiceIssues = modelChoiceIssues(platform.models, models, "models");
  const issues = [
    ...choiceIssues,
    ...modelQuotaIssues(platform, models),
    // A slower model than the default may need more workers than the definition gives them.
    ...(choiceIssues.length === 0 ? capacityIssues(platform, models) : []),
  ];
  const problems = issues.map((issue) => {
    const [path = "", ...message] = issue.split(": ");
    return path.startsWith("models.")
      ? { key: qualifiedKey(path), message: message.join(": ") }
      : { key: qualifiedKey("models"), message: issue };
  });
  return { models, problems };
}

/** Fully qualified config (as Pulumi holds it) keyed the way `parseStackConfig` takes it. */
export function fromQualified(config: Readonly<Record<string, string>>): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const own = key.startsWith(`${PROJECT_NAMESPACE}:`);
    raw[own ? key.slice(PROJECT_NAMESPACE.length + 1) : key] = value;
  }
  return raw;
}

/** Reads and validates the current stack's config (all of it, to catch unknown keys) from the Pulumi runtime. */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(fromQualified(pulumi.runtime.allConfig()), { file: stackFileName(pulumi.getStack()) });
}
