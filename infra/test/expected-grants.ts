// The IAM grants a stack must carry, written out by hand (not derived from infra/grants.ts) so a
// widened or missing grant fails a test. Rows read `member  role  resource`.
import { MOCK_PROJECT_NUMBER } from "../plan/mocks.ts";
import type { StackUnderTest, TestResource } from "./harness.ts";
import { TYPES } from "./harness.ts";

const fnGrants = (sa: string, firestore: "user" | "viewer") => [
  `${sa} roles/logging.logWriter project`,
  `${sa} roles/monitoring.metricWriter project`,
  `${sa} roles/datastore.${firestore} project`,
];

/** Every grant of a stack; `MEDIA`, `SOURCE` and `DATASET` stand for the stack's buckets and dataset. */
export const EXPECTED_GRANTS = [
  ...fnGrants("fn-generate-image", "user"),
  "fn-generate-image roles/cloudtasks.enqueuer queue:image-jobs",
  "fn-generate-image roles/iam.serviceAccountUser serviceAccount:tasks-invoker",
  "allUsers roles/run.invoker run:generate-image",

  ...fnGrants("fn-generate-video", "user"),
  "fn-generate-video roles/cloudtasks.enqueuer queue:video-jobs",
  "fn-generate-video roles/iam.serviceAccountUser serviceAccount:tasks-invoker",
  "allUsers roles/run.invoker run:generate-video",

  ...fnGrants("fn-creative-director", "user"),
  "fn-creative-director roles/aiplatform.user project",
  "fn-creative-director roles/cloudtasks.enqueuer queue:image-jobs",
  "fn-creative-director roles/cloudtasks.enqueuer queue:video-jobs",
  "fn-creative-director roles/iam.serviceAccountUser serviceAccount:tasks-invoker",
  "allUsers roles/run.invoker run:creative-director-agent",

  ...fnGrants("fn-get-job", "viewer"),
  "fn-get-job roles/storage.objectViewer bucket:MEDIA",
  "fn-get-job roles/iam.serviceAccountTokenCreator serviceAccount:fn-get-job",
  "allUsers roles/run.invoker run:get-job",

  ...fnGrants("fn-get-usage", "viewer"),
  "allUsers roles/run.invoker run:get-usage",

  ...fnGrants("fn-image-worker", "user"),
  "fn-image-worker roles/aiplatform.user project",
  "fn-image-worker roles/storage.objectCreator bucket:MEDIA",
  "tasks-invoker roles/run.invoker run:image-worker",

  ...fnGrants("fn-video-worker", "user"),
  "fn-video-worker roles/aiplatform.user project",
  "fn-video-worker roles/storage.objectViewer bucket:MEDIA",
  "fn-video-worker roles/cloudtasks.enqueuer queue:video-polls",
  "fn-video-worker roles/iam.serviceAccountUser serviceAccount:tasks-invoker",
  "tasks-invoker roles/run.invoker run:video-worker",

  ...fnGrants("fn-sweep-jobs", "user"),
  "fn-sweep-jobs roles/cloudtasks.enqueuer queue:image-jobs",
  "fn-sweep-jobs roles/cloudtasks.enqueuer queue:video-jobs",
  "fn-sweep-jobs roles/cloudtasks.enqueuer queue:video-polls",
  "fn-sweep-jobs roles/iam.serviceAccountUser serviceAccount:tasks-invoker",
  "sweep-scheduler roles/run.invoker run:sweep-jobs",

  "fn-builder roles/logging.logWriter project",
  "fn-builder roles/storage.objectViewer bucket:SOURCE",
  'fn-builder roles/storage.objectViewer project if resource.name.startsWith("projects/_/buckets/gcf-v2-sources-NUMBER-REGION")',
  "fn-builder roles/artifactregistry.writer repository:function-images",

  "vertex-ai-service-agent roles/storage.objectCreator bucket:MEDIA",
  "log-sink-writer roles/bigquery.dataEditor dataset:DATASET",
];

/** `serviceAccount:fn-get-job@P.iam.gserviceaccount.com` -> `fn-get-job`; Google's agents by role. */
function shortMember(member: string, project: string): string {
  if (member.includes("@gcp-sa-aiplatform.")) return "vertex-ai-service-agent";
  if (member.includes("@gcp-sa-logging.")) return "log-sink-writer";
  return member.replace(/^serviceAccount:/, "").replace(`@${project}.iam.gserviceaccount.com`, "");
}

interface Names {
  project: string;
  /** Project number and region, shown as NUMBER and REGION in conditions. */
  number: string;
  region: string;
  media: string;
  source: string;
  dataset: string;
}

function shortTarget(r: TestResource, { project, media, source, dataset }: Names): string {
  const i = r.inputs;
  switch (r.type) {
    case TYPES.projectMember: {
      const where = i.project === project ? "project" : `project:${i.project}`;
      return i.condition ? `${where} if ${i.condition.expression}` : where;
    }
    case TYPES.bucketMember:
      return `bucket:${i.bucket === media ? "MEDIA" : i.bucket === source ? "SOURCE" : i.bucket}`;
    case TYPES.queueMember:
      return `queue:${i.name}`;
    case TYPES.runMember:
      return `run:${i.name}`;
    case TYPES.accountMember:
      return `serviceAccount:${shortMember(String(i.serviceAccountId).split("/").pop()!, project)}`;
    case TYPES.repositoryMember:
      return `repository:${i.repository}`;
    case TYPES.datasetMember:
      return `dataset:${i.datasetId === dataset ? "DATASET" : i.datasetId}`;
    default:
      return `unexpected ${r.type}`;
  }
}

/** The recorded grants as table rows, comparable with EXPECTED_GRANTS. */
export function grantRows(members: readonly TestResource[], names: Names): string[] {
  return members.map((m) =>
    `${shortMember(String(m.inputs.member), names.project)} ${m.inputs.role} ${shortTarget(m, names)}`.replaceAll(
      `-${names.number}-${names.region}`,
      "-NUMBER-REGION",
    ),
  );
}

/** Every IAM member resource of an evaluated stack. */
export function iamMembers(s: StackUnderTest): TestResource[] {
  return s.resources.filter((r) => /IamMember$|IAMMember$/.test(r.type));
}

/** A stack's recorded grants as rows, named with the stack's project and region and the mocks' project number. */
export function stackGrantRows(s: StackUnderTest): string[] {
  const project = s.config["gcp:project"] as string;
  return grantRows(iamMembers(s), {
    project,
    media: `${project}-media`,
    source: `${project}-fn-source`,
    dataset: "genai_analytics",
    number: MOCK_PROJECT_NUMBER,
    region: s.config["gcp:region"] as string,
  });
}
