// The running local platform as `npm start` records it (`.local/platform.json`): where its gateway,
// emulators, local Cloud Tasks and Vertex AI stand-in listen.
import { readFile } from "node:fs/promises";
import type { TierLimits } from "@genai-platform/definition";

export interface LocalState {
  /** The gateway: `<url>/<functionName>`. */
  url: string;
  projectId: string;
  firestoreHost: string;
  authHost: string;
  /** Absent with `--vertex real`. */
  vertexUrl?: string;
  /** The local Cloud Tasks server, `127.0.0.1:PORT` (absent in the files of older versions). */
  tasksEndpoint?: string;
  /** The location the local queues live in. */
  region?: string;
  /** The limits the local functions enforce. */
  tierLimits?: TierLimits;
  /** The global daily budget the local functions enforce (`--daily-budget-usd`); absent: none. */
  dailyBudgetUsd?: number;
}

export async function readLocalState(file: string): Promise<LocalState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new Error(`the local platform is not running (no ${file}): start it with \`npm start\` first`);
  }
  return JSON.parse(text) as LocalState;
}
