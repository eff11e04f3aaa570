// Points a Firebase Rules release at a ruleset through the Firebase Rules REST API, whether or not
// the release already exists: a project may already have `cloud.firestore` (published from the
// console or the Firebase CLI), which the provider's Release refuses to adopt.
import { GoogleAuth } from "google-auth-library";

/** https://firebase.google.com/docs/reference/rules/rest */
export const RULES_API = "https://firebaserules.googleapis.com/v1";

export interface ReleaseTarget {
  project: string;
  /** Release id, e.g. `cloud.firestore` for the (default) database. */
  release: string;
  /** `projects/P/rulesets/ID` */
  rulesetName: string;
  /** Quota project for user credentials (sent as `x-goog-user-project`). */
  quotaProject?: string;
}

export interface PublishedRelease {
  name: string;
  rulesetName: string;
  updateTime?: string;
}

interface HttpAnswer {
  status: number;
  data: unknown;
}

/** What this module needs of an authorized HTTP client (google-auth-library's `request`). */
export interface RulesHttp {
  request(options: {
    url: string;
    method: "PATCH" | "POST";
    data: unknown;
    headers: Record<string, string>;
    validateStatus: (status: number) => boolean;
  }): Promise<HttpAnswer>;
}

export class RulesReleaseError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "RulesReleaseError";
    this.status = status;
  }
}

/** Application Default Credentials with the scope the Rules API documents. */
export async function defaultRulesHttp(): Promise<RulesHttp> {
  // https://firebase.google.com/docs/reference/rules/rest/v1/projects.releases/patch (Authorization scopes)
  const auth = new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  return (await auth.getClient()) as unknown as RulesHttp;
}

function failure(what: string, answer: HttpAnswer): RulesReleaseError {
  const message = (answer.data as { error?: { message?: string } } | undefined)?.error?.message ?? "no message";
  return new RulesReleaseError(answer.status, `${what}: HTTP ${answer.status}: ${message}`);
}

/**
 * PATCH the release ("Only updates to rulesetName will be honored"); create it when the PATCH
 * answers 404, as it does on a project that never published rules:
 * https://firebase.google.com/docs/reference/rules/rest/v1/projects.releases/patch
 * https://firebase.google.com/docs/reference/rules/rest/v1/projects.releases/create
 * A create that races another publisher (409) is retried as a PATCH once.
 */
export async function publishRelease(target: ReleaseTarget, http: RulesHttp): Promise<PublishedRelease> {
  const name = `projects/${target.project}/releases/${target.release}`;
  const release = { name, rulesetName: target.rulesetName };
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.quotaProject) headers["x-goog-user-project"] = target.quotaProject;
  const patch = () =>
    http.request({
      url: `${RULES_API}/${name}`,
      method: "PATCH",
      data: { release, updateMask: "rulesetName" },
      headers,
      validateStatus: () => true,
    });
  let answer = await patch();
  if (answer.status === 404) {
    answer = await http.request({
      url: `${RULES_API}/projects/${target.project}/releases`,
      method: "POST",
      data: release,
      headers,
      validateStatus: () => true,
    });
    if (answer.status === 409) answer = await patch();
  }
  if (answer.status < 200 || answer.status >= 300) throw failure(`publishing ${name}`, answer);
  const published = answer.data as Partial<PublishedRelease>;
  if (published.rulesetName !== target.rulesetName) {
    throw new RulesReleaseError(
      answer.status,
      `publishing ${name}: the release points at ${published.rulesetName}, not ${target.rulesetName}`,
    );
  }
  return {
    name: published.name ?? name,
    rulesetName: published.rulesetName,
    ...(published.updateTime ? { updateTime: published.updateTime } : {}),
  };
}
