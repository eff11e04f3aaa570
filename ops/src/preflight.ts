// What `pulumi up` cannot create and must find in place: the APIs enabled, Firebase on the project,
// each configured model served in its location, and the deployer's permissions. Each check says
// what is missing and the command that fixes it.
import type { ModelChoices } from "@genai-platform/definition";
import { ALL_DEPLOYER_PERMISSIONS, DEPLOYER_PERMISSIONS, type PermissionGroup } from "./deployer-permissions.ts";
import { type GoogleAnswer, type GoogleCall, googleError, googleReason } from "./google-call.ts";
import {
  BATCH_GET_MAX,
  countTokensPath,
  firebaseProjectUrl,
  publisherModelPath,
  servicesBatchGetUrl,
  TEST_IAM_MAX,
  testIamPermissionsUrl,
  vertexHost,
} from "./google-endpoints.ts";

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found, or what is missing. */
  detail: string;
  /** Commands that fix it, one per line. */
  fix?: string[];
}

export type CheckName = "apis" | "firebase" | "models" | "permissions";

export interface PreflightTarget {
  project: string;
  /** Services that must be enabled. */
  apis: readonly string[];
  models: ModelChoices;
  /** Default: DEPLOYER_PERMISSIONS. */
  permissions?: readonly PermissionGroup[];
  /** Vertex AI base URL per location. Default Google's hosts; the local platform's stand-in for all. */
  vertexBase?: (location: string) => string;
  /** Which checks to run; default all. */
  checks?: readonly CheckName[];
}

export async function runPreflight(target: PreflightTarget, call: GoogleCall): Promise<CheckResult[]> {
  const wanted = new Set(target.checks ?? ["apis", "firebase", "models", "permissions"]);
  const results: CheckResult[] = [];
  if (wanted.has("apis")) results.push(await checkApis(target, call));
  if (wanted.has("firebase")) results.push(await checkFirebase(target.project, call));
  if (wanted.has("models")) results.push(...(await checkModels(target, call)));
  if (wanted.has("permissions")) {
    results.push(await checkPermissions(target.project, target.permissions ?? DEPLOYER_PERMISSIONS, call));
  }
  return results;
}

const enableCommand = (project: string, services: readonly string[]) =>
  `gcloud services enable ${services.join(" ")} --project ${project}`;

/** A call that did not answer the question asked: the API is off, or we may not ask. */
function refused(name: string, project: string, answer: GoogleAnswer, api: string, role: string): CheckResult {
  const disabled = googleReason(answer) === "SERVICE_DISABLED";
  return {
    name,
    ok: false,
    detail: googleError(answer),
    fix: [
      disabled
        ? enableCommand(project, [api])
        : `gcloud projects add-iam-policy-binding ${project} --member=PRINCIPAL --role=${role}`,
    ],
  };
}

async function checkApis(target: PreflightTarget, call: GoogleCall): Promise<CheckResult> {
  const name = "APIs enabled";
  const states = new Map<string, string>();
  for (let i = 0; i < target.apis.length; i += BATCH_GET_MAX) {
    const batch = target.apis.slice(i, i + BATCH_GET_MAX);
    const answer = await call("GET", servicesBatchGetUrl(target.project, batch));
    if (answer.status !== 200) {
      return refused(
        name,
        target.project,
        answer,
        "serviceusage.googleapis.com",
        "roles/serviceusage.serviceUsageViewer",
      );
    }
    const services = (
      answer.body as { services?: Array<{ name?: string; config?: { name?: string }; state?: string }> }
    ).services;
    for (const s of services ?? []) {
      const service = s.config?.name ?? s.name?.split("/").pop() ?? "";
      states.set(service, s.state ?? "STATE_UNSPECIFIED");
    }
  }
  const missing = target.apis.filter((api) => states.get(api) !== "ENABLED");
  if (missing.length === 0) return { name, ok: true, detail: `${target.apis.length} of ${target.apis.length}` };
  return {
    name,
    ok: false,
    detail: `not enabled: ${missing.join(", ")}`,
    fix: [enableCommand(target.project, missing)],
  };
}

async function checkFirebase(project: string, call: GoogleCall): Promise<CheckResult> {
  const name = "Firebase on the project";
  const answer = await call("GET", firebaseProjectUrl(project));
  if (answer.status === 200) {
    const body = answer.body as { projectNumber?: string; displayName?: string };
    return { name, ok: true, detail: `${project} (number ${body.projectNumber ?? "?"})` };
  }
  if (googleReason(answer) === "SERVICE_DISABLED") {
    return refused(name, project, answer, "firebase.googleapis.com", "roles/firebase.viewer");
  }
  // A project without Firebase answers 404, or 403 to a caller who cannot tell it exists.
  return {
    name,
    ok: false,
    detail: `${project} is not a Firebase project, or not visible to you (${googleError(answer)})`,
    fix: [
      // Source: https://firebase.google.com/docs/reference/firebase-management/rest/v1beta1/projects/addFirebase
      `firebase projects:addfirebase ${project}`,
      `# or: curl -X POST -H "Authorization: Bearer $(gcloud auth print-access-token)" -H "x-goog-user-project: ${project}" https://firebase.googleapis.com/v1beta1/projects/${project}:addFirebase`,
    ],
  };
}

/**
 * Gemini models: countTokens in the configured location (free; 404 when not served there). Veo has
 * no countTokens and its only generation call is billed, so it is looked up as a publisher model on
 * its regional host (read-only), which answers 404 for an id that host does not serve.
 */
async function checkModels(target: PreflightTarget, call: GoogleCall): Promise<CheckResult[]> {
  const base = target.vertexBase ?? vertexHost;
  const results: CheckResult[] = [];
  for (const kind of ["image", "video", "agent"] as const) {
    const { id, location } = target.models[kind];
    const name = `${kind} model ${id} @ ${location}`;
    const answer = id.startsWith("veo-")
      ? await call("GET", `${base(location)}${publisherModelPath(id)}`)
      : await call("POST", `${base(location)}${countTokensPath(target.project, location, id)}`, {
          contents: [{ role: "user", parts: [{ text: "preflight" }] }],
        });
    if (answer.status === 200) {
      results.push({ name, ok: true, detail: "served" });
    } else if (answer.status === 404) {
      results.push({
        name,
        ok: false,
        detail: googleError(answer),
        fix: [
          `set genai-platform:models.${kind} in Pulumi.<stack>.yaml to a pair Google serves (definition/src/models.ts lists them)`,
        ],
      });
    } else {
      results.push(refused(name, target.project, answer, "aiplatform.googleapis.com", "roles/aiplatform.user"));
    }
  }
  return results;
}

async function checkPermissions(
  project: string,
  groups: readonly PermissionGroup[],
  call: GoogleCall,
): Promise<CheckResult> {
  const name = "deployer permissions";
  const wanted = groups === DEPLOYER_PERMISSIONS ? ALL_DEPLOYER_PERMISSIONS : groups.flatMap((g) => g.permissions);
  const held = new Set<string>();
  for (let i = 0; i < wanted.length; i += TEST_IAM_MAX) {
    const answer = await call("POST", testIamPermissionsUrl(project), {
      permissions: wanted.slice(i, i + TEST_IAM_MAX),
    });
    if (answer.status !== 200) {
      return refused(name, project, answer, "cloudresourcemanager.googleapis.com", "roles/iam.securityReviewer");
    }
    for (const p of (answer.body as { permissions?: string[] }).permissions ?? []) held.add(p);
  }
  const short = groups.filter((g) => g.permissions.some((p) => !held.has(p)));
  if (short.length === 0) return { name, ok: true, detail: `${wanted.length} of ${wanted.length}` };
  return {
    name,
    ok: false,
    detail: short.map((g) => `${g.permissions.filter((p) => !held.has(p)).join(", ")} (for ${g.for})`).join("; "),
    fix: short.map((g) => `gcloud projects add-iam-policy-binding ${project} --member=PRINCIPAL --role=${g.role}`),
  };
}

/** The report: one line per check, the fix under each failure; PRINCIPAL is the deployer (user:… or serviceAccount:…). */
export function formatReport(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.ok ? "✓" : "✗"} ${r.name}: ${r.detail}`);
    for (const fix of r.fix ?? []) lines.push(`    fix: ${fix}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed === 0 ? "preflight passed" : `preflight failed: ${failed} of ${results.length} checks`);
  return lines.join("\n");
}
