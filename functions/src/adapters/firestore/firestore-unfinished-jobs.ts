// UnfinishedJobs on Firestore: one bounded query page, served by the jobs (status, createdAt)
// composite index the platform definition declares.
import { type Firestore, Timestamp } from "firebase-admin/firestore";
import type { Job } from "../../domain/job.ts";
import type { UnfinishedJobs } from "../../ports/index.ts";
import { withDeadline } from "../system/deadline.ts";
import { fromJobDocument } from "./job-document.ts";

export class FirestoreUnfinishedJobs implements UnfinishedJobs {
  private readonly db: Firestore;

  constructor(db: Firestore) {
    this.db = db;
  }

  async page(options: { before: Date; limit: number; after?: Job }): Promise<Job[]> {
    let query = this.db
      .collection("jobs")
      .where("status", "in", ["queued", "running"])
      .where("createdAt", "<", Timestamp.fromDate(options.before))
      .orderBy("createdAt", "asc")
      .limit(options.limit);
    // createdAt plus the document id: jobs admitted in the same millisecond are neither skipped nor repeated.
    if (options.after)
      query = query.orderBy("__name__").startAfter(Timestamp.fromDate(options.after.createdAt), options.after.id);
    const snap = await withDeadline(() => query.get());
    return snap.docs.map((doc) => fromJobDocument(doc.id, doc.data()));
  }
}
