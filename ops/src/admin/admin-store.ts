// The documents operators change, on Firestore through firebase-admin, at the paths and in the
// shapes the functions read: `users/{uid}.tier`, `users/{uid}.suspended {reason?, at, by}`, the
// kill switch `controls/generation {paused: {image, video, agent}}`, and the day's usage.
import { platform, type TierName } from "@genai-platform/definition";
import { parseSuspension } from "@genai-platform/functions/adapters/firestore/firestore-access-controls.ts";
import {
  type BudgetSpend,
  FirestoreBudgetReader,
} from "@genai-platform/functions/adapters/firestore/firestore-budget-reader.ts";
import { FirestoreUsageReader } from "@genai-platform/functions/adapters/firestore/firestore-usage-reader.ts";
import { generationControlsDoc, userDoc } from "@genai-platform/functions/adapters/firestore/paths.ts";
import type { PausableKind, Suspension } from "@genai-platform/functions/ports/index.ts";
import { FieldValue, type Firestore } from "firebase-admin/firestore";

export class FirestoreAdminStore {
  private readonly db: Firestore;

  constructor(db: Firestore) {
    this.db = db;
  }

  /** Sets the tier (creating the user document if needed); answers the tier it replaced. */
  setTier(uid: string, tier: TierName): Promise<{ previous?: string; existed: boolean }> {
    const ref = userDoc(this.db, uid);
    return this.db.runTransaction(async (tx) => {
      const before = await tx.get(ref);
      tx.set(ref, { tier }, { merge: true });
      const previous = before.get("tier");
      return { existed: before.exists, ...(typeof previous === "string" ? { previous } : {}) };
    });
  }

  /** Suspends the account from its next request and its next queued job on. */
  suspend(uid: string, suspension: Suspension): Promise<{ previous?: Suspension; existed: boolean }> {
    const ref = userDoc(this.db, uid);
    return this.db.runTransaction(async (tx) => {
      const before = await tx.get(ref);
      tx.set(ref, { suspended: suspension }, { merge: true });
      const previous = parseSuspension(before.get("suspended"));
      return { existed: before.exists, ...(previous ? { previous } : {}) };
    });
  }

  /** Lifts a suspension; answers the one it lifted, if any. A user document is never created here. */
  unsuspend(uid: string): Promise<{ previous?: Suspension }> {
    const ref = userDoc(this.db, uid);
    return this.db.runTransaction(async (tx) => {
      const before = await tx.get(ref);
      const previous = parseSuspension(before.get("suspended"));
      if (previous) tx.update(ref, { suspended: FieldValue.delete() });
      return previous ? { previous } : {};
    });
  }

  /** Tier, units used and estimated cost per kind on the UTC day `day`, read as getUsage reads them. */
  usage(uid: string, day: string): ReturnType<FirestoreUsageReader["read"]> {
    return new FirestoreUsageReader(this.db).read(uid, day);
  }

  /** The day's global budget as its shards hold it. */
  budget(day: string): Promise<BudgetSpend> {
    return new FirestoreBudgetReader(this.db).read(day, platform.budget.shards);
  }

  /** Sets the kill switch of `kinds`, leaving the others as they are; answers the whole switch after. */
  setPaused(
    kinds: readonly PausableKind[],
    paused: boolean,
    by: string,
    at: string,
  ): Promise<Record<PausableKind, boolean>> {
    const ref = generationControlsDoc(this.db);
    return this.db.runTransaction(async (tx) => {
      const before = (await tx.get(ref)).get("paused") as Partial<Record<PausableKind, unknown>> | undefined;
      const after: Record<PausableKind, boolean> = {
        image: before?.image === true,
        video: before?.video === true,
        agent: before?.agent === true,
      };
      for (const kind of kinds) after[kind] = paused;
      tx.set(ref, { paused: after, updatedAt: at, updatedBy: by }, { merge: true });
      return after;
    });
  }
}
