// What preflight and smoke run against: a stack (its Pulumi.<stack>.yaml, read offline as the plan
// reads it, and Google's real endpoints) or the local platform `npm start` runs.
import { functionNames, platform, serviceName, type TierLimits } from "@genai-platform/definition";
import { PROJECT_NAMESPACE, parseStackConfig } from "@genai-platform/infra/config";
import { readStackConfig } from "@genai-platform/infra/plan/stack-config.ts";
import { requiredApis } from "@genai-platform/infra/required-apis";
import type { LocalState } from "./local-state.ts";
import type { PreflightTarget } from "./preflight.ts";
import type { SmokeTarget } from "./smoke.ts";

export interface StackSettings {
  project: string;
  region: string;
  models: PreflightTarget["models"];
  tierLimits: TierLimits;
  /** The services the stack enables (App Check's only when it consumes tokens). */
  apis: readonly string[];
  /** The stack's `dailyBudgetUsd`: the cap the functions enforce once deployed; absent: none. */
  dailyBudgetUsd?: number;
}

export function stackSettings(root: string, stack: string): StackSettings {
  // The program's own keys by short name, `gcp:` keys qualified, as parseStackConfig takes them.
  const raw = Object.fromEntries(
    Object.entries(readStackConfig(root, stack)).map(([key, value]) => [
      key.replace(`${PROJECT_NAMESPACE}:`, ""),
      value,
    ]),
  );
  const config = parseStackConfig(raw);
  return {
    project: config.project,
    region: config.region,
    models: config.models,
    tierLimits: config.tierLimits ?? platform.tiers,
    apis: requiredApis(config),
    ...(config.dailyBudgetUsd === undefined ? {} : { dailyBudgetUsd: config.dailyBudgetUsd }),
  };
}

export function stackPreflightTarget(settings: StackSettings): PreflightTarget {
  return { project: settings.project, apis: settings.apis, models: settings.models };
}

/**
 * The local platform has no Service Usage, Firebase Management or IAM to ask: only the models check
 * applies, through the Vertex AI stand-in, with the definition's default models.
 */
export function localPreflightTarget(
  state: LocalState,
  models: PreflightTarget["models"] = platform.defaultModels,
): PreflightTarget {
  if (!state.vertexUrl) throw new Error("the local platform runs with --vertex real: check the models with --stack");
  const vertexUrl = state.vertexUrl;
  return { project: state.projectId, apis: [], models, vertexBase: () => vertexUrl, checks: ["models"] };
}

// Gen 2 functions keep the Cloud Functions URL form: https://REGION-PROJECT.cloudfunctions.net/NAME.
// Source: https://cloud.google.com/functions/docs/calling/http#url
export const cloudFunctionsBase = (region: string, project: string): string =>
  `https://${region}-${project}.cloudfunctions.net`;

const FUNCTION_NAMES = new Set<string>(functionNames);

/** The client calls `<base>/generateImage`; deployed, that function is named `generate-image`. */
export function deployedFunctionsFetch(base: string, inner: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const name = url.pathname.split("/").pop() ?? "";
    if (url.href.startsWith(base) && FUNCTION_NAMES.has(name)) {
      url.pathname = url.pathname.replace(/[^/]+$/, serviceName(name));
    }
    return inner(url, init);
  };
}

export interface DeployedSmokeOptions {
  webApiKey: string;
  /** Default: the stack's Cloud Functions base URL. */
  url?: string;
  serviceAccountId?: string;
}

export function stackSmokeTarget(settings: StackSettings, options: DeployedSmokeOptions): SmokeTarget {
  const base = options.url ?? cloudFunctionsBase(settings.region, settings.project);
  return {
    baseUrl: base,
    projectId: settings.project,
    webApiKey: options.webApiKey,
    ...(options.url ? {} : { fetch: deployedFunctionsFetch(base) }),
    ...(options.serviceAccountId ? { serviceAccountId: options.serviceAccountId } : {}),
  };
}

/**
 * The local platform: the Auth emulator signs the user in (any API key), and firebase-admin reaches
 * the emulators through the variables it reads — set here, before any app is created.
 */
export function localSmokeTarget(state: LocalState, baseUrl = state.url): SmokeTarget {
  process.env.FIREBASE_AUTH_EMULATOR_HOST = state.authHost;
  process.env.FIRESTORE_EMULATOR_HOST = state.firestoreHost;
  return {
    baseUrl,
    projectId: state.projectId,
    webApiKey: "local",
    authEmulatorHost: state.authHost,
    timeoutMs: 60_000,
  };
}
