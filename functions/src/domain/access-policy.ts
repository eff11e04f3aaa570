// The pre-admission gate of every endpoint that spends: after the ID token is verified and before
// admission, the sign-in policy, the account's suspension and the kill switch may refuse the
// request. It writes nothing, so a refusal charges and enqueues nothing.
import type { AccessControls, PausableKind, VerifiedUser } from "../ports/index.ts";
import type { AppCheckGate } from "./app-check-gate.ts";
import { AppError } from "./errors.ts";

/** A stack's sign-in policy (stack config `signInProviders`, `requireEmailVerified`). */
export interface SignInPolicy {
  /** Sign-in providers that may generate (`firebase.sign_in_provider`); undefined: any. */
  providers?: readonly string[];
  /** Refuse accounts whose email is not verified. */
  requireEmailVerified: boolean;
}

export const OPEN_SIGN_IN_POLICY: SignInPolicy = { requireEmailVerified: false };

/** What a paused kind's 503 asks clients to wait: an incident is not over in seconds. */
export const PAUSED_RETRY_AFTER_SECONDS = 60;

/**
 * Providers that carry no email (anonymous, custom tokens, phone) have nothing to verify, so
 * `requireEmailVerified` refuses them too: the safe reading, since an unverified account is
 * exactly what the option is meant to keep out.
 */
export function checkSignIn(policy: SignInPolicy, user: VerifiedUser): void {
  if (policy.providers && !policy.providers.includes(user.signInProvider)) {
    throw new AppError(
      "SIGN_IN_PROVIDER_NOT_ALLOWED",
      `accounts signed in with "${user.signInProvider}" may not generate; sign in with one of: ${policy.providers.join(", ")}`,
    );
  }
  if (policy.requireEmailVerified && !user.emailVerified) {
    throw new AppError("EMAIL_NOT_VERIFIED", "verify your email address before generating");
  }
}

export interface AccessGateDeps {
  policy: SignInPolicy;
  controls: AccessControls;
  /** Firebase App Check (checked right after the ID token); absent: off. */
  appCheck?: AppCheckGate;
}

/** Refuses the request (AppError) unless `user` may spend on `kind` right now. */
export async function checkAccess(deps: AccessGateDeps, user: VerifiedUser, kind: PausableKind): Promise<void> {
  checkSignIn(deps.policy, user);
  // Both reads at once: the gate adds one round trip, not two.
  const [suspension, paused] = await Promise.all([deps.controls.suspension(user.uid), deps.controls.paused(kind)]);
  if (suspension) {
    const reason = suspension.reason ? `: ${suspension.reason}` : "";
    throw new AppError("ACCOUNT_SUSPENDED", `this account is suspended${reason}`);
  }
  if (paused) {
    throw new AppError("GENERATION_PAUSED", `${kind} generation is paused; retry later`, {
      retryAfterSeconds: PAUSED_RETRY_AFTER_SECONDS,
    });
  }
}

/** The failure code a job of a suspended owner ends with; stable, like the admission's refusal. */
export const SUSPENDED_OWNER_CODE = "ACCOUNT_SUSPENDED";

/**
 * Worker side, after the claim and before the model call: a queued job of a user suspended since
 * its admission must fail (its unit refunded by the failing transition) instead of reaching the
 * model. Answers the failure to record, or undefined to proceed. The suspension is read afresh,
 * as at admission: it holds from the next delivery on.
 */
export async function suspendedOwnerFailure(
  controls: Pick<AccessControls, "suspension">,
  uid: string,
): Promise<{ code: typeof SUSPENDED_OWNER_CODE; message: string } | undefined> {
  const suspension = await controls.suspension(uid);
  if (!suspension) return undefined;
  return { code: SUSPENDED_OWNER_CODE, message: "the account was suspended before the job ran" };
}
