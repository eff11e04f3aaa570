// Where the platform is: `/platform-config.json` when npm start serves the app, else Vite
// variables (VITE_API_BASE_URL, ...) or npm start's fixed defaults (for `npm run dev -w web`).

export interface AppConfig {
  projectId: string;
  apiKey: string;
  apiBaseUrl: string;
  /** Unset against a deployed stack: the app then talks to the real Auth and Firestore. */
  authEmulatorUrl?: string;
  firestoreEmulator?: { host: string; port: number };
}

const env = import.meta.env;

const DEFAULTS: AppConfig = {
  projectId: env.VITE_PROJECT_ID ?? "demo-genai-platform",
  apiKey: env.VITE_API_KEY ?? "demo-api-key",
  apiBaseUrl: env.VITE_API_BASE_URL ?? "http://127.0.0.1:8700",
  ...(env.VITE_USE_EMULATORS === "false"
    ? {}
    : {
        authEmulatorUrl: env.VITE_AUTH_EMULATOR_URL ?? "http://127.0.0.1:9099",
        firestoreEmulator: { host: "127.0.0.1", port: Number(env.VITE_FIRESTORE_EMULATOR_PORT ?? 8080) },
      }),
};

export async function loadConfig(): Promise<AppConfig> {
  try {
    const response = await fetch("/platform-config.json", { cache: "no-store" });
    if (response.ok && response.headers.get("content-type")?.includes("json")) {
      return { ...DEFAULTS, ...((await response.json()) as Partial<AppConfig>) };
    }
  } catch {
    // Not served by npm start: the defaults apply.
  }
  return DEFAULTS;
}
