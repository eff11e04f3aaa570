// AccessControls on Firestore. A suspension is read from `users/{uid}` on every request (never
// cached: it must hold from the next request on). The kill switch `controls/generation` is read by
// every admission of every user, so each instance caches it for KILL_SWITCH_CACHE_MS: a pause takes
// effect within that time, and the document is read at most once per instance per period rather
// than once per request (one document's sustained read rate is not the limit; its cost is).
import type { Firestore } from "firebase-admin/firestore";
import type { AccessControls, PausableKind, Suspension } from "../../ports/index.ts";
import { withDeadline } from "../system/deadline.ts";
import { generationControlsDoc, userDoc } from "./paths.ts";

/** The most a pause or resume waits to reach an instance. */
export const KILL_SWITCH_CACHE_MS = 3_000;

type Paused = Record<PausableKind, boolean>;

export class FirestoreAccessControls implements AccessControls {
  private readonly db: () => Firestore;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private cached: { paused: Promise<Paused>; readAt: number } | undefined;

  constructor(db: () => Firestore, options: { cacheMs?: number; now?: () => number } = {}) {
    this.db = db;
    this.cacheMs = options.cacheMs ?? KILL_SWITCH_CACHE_MS;
    this.now = options.now ?? Date.now;
  }

  async suspension(uid: string): Promise<Suspension | undefined> {
    const user = await withDeadline(() => userDoc(this.db(), uid).get());
    return parseSuspension(user.get("suspended"));
  }

  async paused(kind: PausableKind): Promise<boolean> {
    const now = this.now();
    if (!this.cached || now - this.cached.readAt >= this.cacheMs) {
      const paused = this.readPaused();
      this.cached = { paused, readAt: now };
      // A failed read is not kept: the next request asks again.
      paused.catch(() => {
        if (this.cached?.paused === paused) this.cached = undefined;
      });
    }
    return (await this.cached.paused)[kind];
  }

  private async readPaused(): Promise<Paused> {
    const doc = await withDeadline(() => generationControlsDoc(this.db()).get());
    const paused = (doc.get("paused") ?? {}) as Partial<Record<PausableKind, unknown>>;
    return { image: paused.image === true, video: paused.video === true, agent: paused.agent === true };
  }
}

/** `suspended` is present and an object when the account is suspended; anything else is not a suspension. */
export function parseSuspension(value: unknown): Suspension | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { reason, at, by } = value as Record<string, unknown>;
  return {
    ...(typeof reason === "string" && reason.length > 0 ? { reason } : {}),
    at: typeof at === "string" ? at : "",
    by: typeof by === "string" ? by : "",
  };
}
