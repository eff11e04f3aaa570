// Firebase App Check on the endpoints that spend: proof that a request comes from this project's
// own app, not a script holding a stolen ID token. Per stack: `off` never reads the header,
// `monitor` verifies and logs what it would refuse but admits (to measure before enforcing),
// `enforce` refuses. It writes nothing, so a refusal charges and enqueues nothing.
import type { AppCheckVerifier } from "../ports/index.ts";
import { AppError } from "./errors.ts";

export type AppCheckMode = "off" | "monitor" | "enforce";

export interface AppCheckGate {
  mode: AppCheckMode;
  /** Replay protection: each token is accepted once (limited-use tokens on the client). */
  consume: boolean;
  verifier: AppCheckVerifier;
  /** Where monitor mode reports a token it would have refused. */
  warn: (outcome: AppCheckOutcome) => void;
}

export interface AppCheckOutcome {
  code: string;
  message: string;
  uid: string;
  trace?: string;
}

export interface AppCheckRequest {
  /** Read only when the gate is on: `off` must not depend on the header at all. */
  token: () => string | undefined;
  uid: string;
  trace?: string;
}

/** Refuses the request (AppError, in enforce mode) unless it carries a valid App Check token. */
export async function checkAppCheck(gate: AppCheckGate | undefined, request: AppCheckRequest): Promise<void> {
  if (!gate || gate.mode === "off") return;
  try {
    const token = request.token();
    if (!token) {
      throw new AppError(
        "APP_CHECK_MISSING",
        "an X-Firebase-AppCheck header with a Firebase App Check token is required",
        { field: "X-Firebase-AppCheck" },
      );
    }
    await gate.verifier.verify(token, { consume: gate.consume });
  } catch (error) {
    if (gate.mode === "enforce") throw error;
    // Monitor admits whatever happened, an outage of the verifier included: it must never block.
    gate.warn({
      code: error instanceof AppError ? error.code : "INTERNAL",
      message: error instanceof Error ? error.message : String(error),
      uid: request.uid,
      ...(request.trace ? { trace: request.trace } : {}),
    });
  }
}
