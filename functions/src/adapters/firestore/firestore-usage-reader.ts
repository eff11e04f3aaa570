// UsageReader on Firestore: two point reads (tier and the day's counters), no transaction needed.

import { tierNameSchema, type UsageKind, usageKindSchema } from "@genai-platform/definition";
import type { Firestore } from "firebase-admin/firestore";
import type { UsageReader } from "../../ports/index.ts";
import { withDeadline } from "../system/deadline.ts";
import { usageDoc, userDoc } from "./paths.ts";

export class FirestoreUsageReader implements UsageReader {
  private readonly db: Firestore;

  constructor(db: Firestore) {
    this.db = db;
  }

  async read(uid: string, day: string): ReturnType<UsageReader["read"]> {
    const [user, usage] = await withDeadline(() =>
      Promise.all([userDoc(this.db, uid).get(), usageDoc(this.db, uid, day).get()]),
    );
    const tier = tierNameSchema.safeParse(user.get("tier"));
    const used = Object.fromEntries(
      usageKindSchema.options.map((kind) => [kind, Math.max(0, Number(usage.get(kind) ?? 0))]),
    ) as Record<UsageKind, number>;
    const costMicroUsd = Math.max(0, Number(usage.get("costMicroUsd") ?? 0));
    const byKind = (usage.get("costMicroUsdByKind") ?? {}) as Partial<Record<UsageKind, unknown>>;
    const costMicroUsdByKind = Object.fromEntries(
      usageKindSchema.options.map((kind) => [kind, Math.max(0, Number(byKind[kind] ?? 0))]),
    ) as Record<UsageKind, number>;
    return { tier: tier.success ? tier.data : "free", used, costMicroUsd, costMicroUsdByKind };
  }
}
