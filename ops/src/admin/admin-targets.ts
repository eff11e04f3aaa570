// Where `npm run admin` acts: the running local platform (its state file, the emulators, the local
// Cloud Tasks server; no credentials) or a real stack (its Pulumi.<stack>.yaml for the project and
// region, Application Default Credentials for Firestore and Cloud Tasks).
import { userInfo } from "node:os";
import { platform } from "@genai-platform/definition";
import { type App, applicationDefault, deleteApp, getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { GoogleAuth, OAuth2Client } from "google-auth-library";
import { httpCall } from "../google-call.ts";
import { CLOUD_PLATFORM_SCOPE, CLOUD_TASKS_BASE, USERINFO_EMAIL_SCOPE } from "../google-endpoints.ts";
import type { LocalState } from "../local-state.ts";
import type { StackSettings } from "../targets.ts";
import { FirestoreAdminStore } from "./admin-store.ts";
import { cloudTasksQueueControl } from "./queue-control.ts";
import type { AdminTarget } from "./run-admin.ts";

const APP_NAME = "genai-platform-admin";

/** One firebase-admin app per process (a test may run several commands), deleted by `close`. */
function adminApp(options: { projectId: string; credential?: ReturnType<typeof applicationDefault> }) {
  let app: App | undefined;
  return {
    db: () => {
      app ??= getApps().find((a) => a.name === APP_NAME) ?? initializeApp(options, APP_NAME);
      return getFirestore(app);
    },
    close: async () => {
      if (app) await deleteApp(app);
      app = undefined;
    },
  };
}

/**
 * The local platform. firebase-admin reaches the Firestore emulator through the variable it reads,
 * set here before any app is created (as `npm run token` does).
 */
export function localAdminTarget(state: LocalState): AdminTarget {
  process.env.FIRESTORE_EMULATOR_HOST = state.firestoreHost;
  const app = adminApp({ projectId: state.projectId });
  const unreachable = () => {
    throw new Error("the platform's state file names no Cloud Tasks server: restart `npm start`");
  };
  return {
    environment: "local",
    project: state.projectId,
    operator: async () => `local:${userInfo().username}`,
    store: () => new FirestoreAdminStore(app.db()),
    queues: state.tasksEndpoint
      ? cloudTasksQueueControl({
          baseUrl: `http://${state.tasksEndpoint}`,
          project: state.projectId,
          location: state.region ?? "us-central1",
          call: httpCall(),
        })
      : { apply: async () => unreachable() },
    tierLimits: state.tierLimits ?? platform.tiers,
    ...(state.dailyBudgetUsd === undefined ? {} : { dailyBudgetUsd: state.dailyBudgetUsd }),
    close: app.close,
  };
}

/** A deployed stack, with Application Default Credentials (`gcloud auth application-default login`). */
export function stackAdminTarget(stack: string, settings: StackSettings): AdminTarget {
  const auth = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE, USERINFO_EMAIL_SCOPE] });
  const app = adminApp({ projectId: settings.project, credential: applicationDefault() });
  return {
    environment: stack,
    project: settings.project,
    operator: () => adcEmail(auth),
    store: () => new FirestoreAdminStore(app.db()),
    queues: cloudTasksQueueControl({
      baseUrl: CLOUD_TASKS_BASE,
      project: settings.project,
      location: settings.region,
      call: httpCall((url) => auth.getRequestHeaders(url)),
    }),
    tierLimits: settings.tierLimits,
    ...(settings.dailyBudgetUsd === undefined ? {} : { dailyBudgetUsd: settings.dailyBudgetUsd }),
    close: app.close,
  };
}

/**
 * The ADC account's email: a service account key names it; user credentials (and the metadata
 * server) are asked through their access token's info. No email, no command: every change must
 * be attributable.
 */
async function adcEmail(auth: GoogleAuth): Promise<string> {
  const credentials = await auth.getCredentials();
  if (credentials.client_email) return credentials.client_email;
  const { token } = await (await auth.getClient()).getAccessToken();
  const info = token ? await new OAuth2Client().getTokenInfo(token) : undefined;
  if (!info?.email) {
    throw new Error(
      "the Application Default Credentials carry no email to name the operator by: run `gcloud auth application-default login`",
    );
  }
  return info.email;
}
