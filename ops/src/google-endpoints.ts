// The Google REST endpoints the preflight and smoke checks call, each with the page that documents it.

/** Scope every call below accepts. Source: https://developers.google.com/identity/protocols/oauth2/scopes */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

// GET, up to 30 names per call. Source: https://cloud.google.com/service-usage/docs/reference/rest/v1/services/batchGet
export const servicesBatchGetUrl = (project: string, services: readonly string[]): string =>
  `https://serviceusage.googleapis.com/v1/projects/${project}/services:batchGet?${services
    .map((s) => `names=${encodeURIComponent(`projects/${project}/services/${s}`)}`)
    .join("&")}`;

/** Source: https://cloud.google.com/service-usage/docs/reference/rest/v1/services/batchGet ("A maximum of 30 services") */
export const BATCH_GET_MAX = 30;

// GET; 200 with a FirebaseProject, 403/404 when Firebase was never added.
// Source: https://firebase.google.com/docs/reference/firebase-management/rest/v1beta1/projects/get
export const firebaseProjectUrl = (project: string): string =>
  `https://firebase.googleapis.com/v1beta1/projects/${project}`;

// POST {permissions}: the subset the caller holds. At most 100 permissions per call.
// Source: https://cloud.google.com/resource-manager/reference/rest/v1/projects/testIamPermissions
export const testIamPermissionsUrl = (project: string): string =>
  `https://cloudresourcemanager.googleapis.com/v1/projects/${project}:testIamPermissions`;

/** Source: https://cloud.google.com/iam/docs/testing-permissions ("up to 100 permissions") */
export const TEST_IAM_MAX = 100;

// Global host without a location prefix, regional hosts with one.
// Source: https://docs.cloud.google.com/vertex-ai/docs/generative-ai/learn/locations
export const vertexHost = (location: string): string =>
  location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`;

// POST {contents}: free, returns {totalTokens}; 404 NOT_FOUND when the model is not served there.
// Source: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/count-tokens
export const countTokensPath = (project: string, location: string, model: string): string =>
  `/v1/projects/${project}/locations/${location}/publishers/google/models/${model}:countTokens`;

// GET a Model Garden publisher model on a regional host (read-only, nothing billed).
// Source: https://cloud.google.com/vertex-ai/docs/reference/rest/v1beta1/publishers.models/get
export const publisherModelPath = (model: string): string => `/v1beta1/publishers/google/models/${model}`;

// POST {token, returnSecureToken}: exchanges a custom token for an ID token, with the web API key.
// Source: https://cloud.google.com/identity-platform/docs/reference/rest/v1/accounts/signInWithCustomToken
export const signInWithCustomTokenUrl = (apiKey: string, emulatorHost?: string): string =>
  `${emulatorHost ? `http://${emulatorHost}/` : "https://"}identitytoolkit.googleapis.com/v1/accounts:signInWithCustomToken?key=${encodeURIComponent(apiKey)}`;
