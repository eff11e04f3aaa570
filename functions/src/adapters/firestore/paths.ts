// Document paths of the collections the platform definition declares; ids are derived so that
// the documents a transaction must read are known without a query.
import { createHash } from "node:crypto";
import type { Firestore } from "firebase-admin/firestore";

export function userDoc(db: Firestore, uid: string) {
  return db.collection("users").doc(uid);
}

export function jobDoc(db: Firestore, jobId: string) {
  return db.collection("jobs").doc(jobId);
}

/** `usage/{uid}_{day}`: one document per user and UTC day, a counter field per kind. */
export function usageDoc(db: Firestore, uid: string, day: string) {
  return db.collection("usage").doc(`${uid}_${day}`);
}

/** `idempotencyKeys/{sha256(uid, key)}`: scoped to the user, any key characters allowed. */
export function idempotencyDoc(db: Firestore, uid: string, key: string) {
  const id = createHash("sha256").update(uid).update("\u0000").update(key).digest("hex");
  return db.collection("idempotencyKeys").doc(id);
}

/** `controls/generation`: the kill switch, `{ paused: { image, video, agent } }`; written by operators only. */
export function generationControlsDoc(db: Firestore) {
  return db.collection("controls").doc("generation");
}

/** `budgetShards/{day}_{shard}`: one shard of the day's global budget, `{ day, shard, reservedMicroUsd, dailyMicroUsd, expireAt }`. */
export function budgetShardDoc(db: Firestore, day: string, shard: number) {
  return db.collection("budgetShards").doc(`${day}_${shard}`);
}
