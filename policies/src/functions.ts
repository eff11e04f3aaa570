// Cloud Functions (Gen 2, and Gen 1 where the field exists) read as one shape, so the function
// policies judge both generations the same way.
import * as gcp from "@pulumi/gcp";
import { z } from "zod";
import { asNumber, asRecord, asString, pulumiType } from "./values.ts";

export const FUNCTION_V2 = gcp.cloudfunctionsv2.Function;
export const FUNCTION_V1 = gcp.cloudfunctions.Function;
const V2 = pulumiType(FUNCTION_V2);
const V1 = pulumiType(FUNCTION_V1);
export const FUNCTION_TYPES: ReadonlySet<string> = new Set([V2, V1]);

/**
 * The config entry naming the functions (services) that admit generations, which the spend and
 * abuse policies judge; by default this platform's three spending endpoints.
 */
export const spendingFunctionsSchema = z
  .array(z.string().min(1))
  .default(["generate-image", "generate-video", "creative-director-agent"]);

export interface FunctionView {
  /** The function's (and its Cloud Run service's) name. */
  name: string;
  runtime: string | undefined;
  serviceAccountEmail: unknown;
  /** Runtime environment, plus build environment (both end up in plain text on the function). */
  env: Record<string, unknown>;
  buildEnv: Record<string, unknown>;
  ingress: string | undefined;
  maxInstances: number | undefined;
  minInstances: number | undefined;
  concurrency: number | undefined;
  memoryMiB: number | undefined;
  timeoutSeconds: number | undefined;
}

const UNITS: Record<string, number> = {
  "": 1 / 1_048_576,
  k: 1000 / 1_048_576,
  K: 1000 / 1_048_576,
  Ki: 1 / 1024,
  M: 1_000_000 / 1_048_576,
  Mi: 1,
  G: 1_000_000_000 / 1_048_576,
  Gi: 1024,
};

/** `"512Mi"`, `"1Gi"`, `"512M"` (Gen 2 `availableMemory`) in MiB. */
export function memoryMiB(value: unknown): number | undefined {
  const text = asString(value);
  const match = text?.match(/^(\d+(?:\.\d+)?)\s*(k|K|Ki|M|Mi|G|Gi)?$/);
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] ?? ""] ?? 1);
}

/** The function's view, or undefined for other types. */
export function functionView(
  type: string,
  props: Record<string, unknown>,
  fallbackName: string,
): FunctionView | undefined {
  if (type === V2) {
    const build = asRecord(props.buildConfig) ?? {};
    const service = asRecord(props.serviceConfig) ?? {};
    return {
      name: asString(props.name) ?? fallbackName,
      runtime: asString(build.runtime),
      serviceAccountEmail: service.serviceAccountEmail,
      env: asRecord(service.environmentVariables) ?? {},
      buildEnv: asRecord(build.environmentVariables) ?? {},
      ingress: asString(service.ingressSettings),
      maxInstances: asNumber(service.maxInstanceCount),
      minInstances: asNumber(service.minInstanceCount),
      concurrency: asNumber(service.maxInstanceRequestConcurrency),
      memoryMiB: memoryMiB(service.availableMemory),
      timeoutSeconds: asNumber(service.timeoutSeconds),
    };
  }
  if (type === V1) {
    return {
      name: asString(props.name) ?? fallbackName,
      runtime: asString(props.runtime),
      serviceAccountEmail: props.serviceAccountEmail,
      env: asRecord(props.environmentVariables) ?? {},
      buildEnv: asRecord(props.buildEnvironmentVariables) ?? {},
      ingress: asString(props.ingressSettings),
      maxInstances: asNumber(props.maxInstances),
      minInstances: asNumber(props.minInstances),
      // Gen 1 serves one request per instance: the concurrency is fixed, not unset.
      concurrency: 1,
      memoryMiB: asNumber(props.availableMemoryMb),
      timeoutSeconds: asNumber(props.timeout),
    };
  }
  return undefined;
}
