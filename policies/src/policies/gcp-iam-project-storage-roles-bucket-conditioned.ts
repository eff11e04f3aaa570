// Cloud Storage roles on the whole project reach every bucket in it. The one need for them here is a
// bucket Google creates during the first deploy (gcf-v2-sources-<number>-<region>, which Gen 2
// builds fetch from), so a project-level storage role must carry a condition naming such a bucket.
import { z } from "zod";
import { PROJECT_IAM_TYPES } from "../iam.ts";
import { type PackResourcePolicy, readConfig, toPolicyConfigSchema } from "../policy.ts";
import { asString } from "../values.ts";

const NAME = "gcp-iam-project-storage-roles-bucket-conditioned";

/** `resource.name.startsWith("projects/_/buckets/<bucket>")`, the form IAM documents for Storage. */
const BUCKET_CONDITION = /^resource\.name\.startsWith\("projects\/_\/buckets\/([a-z0-9][a-z0-9._-]*)"\)$/;

export const configSchema = z.strictObject({
  /** Name prefixes of the Google-created buckets a project-level storage grant may name. */
  allowedBucketPrefixes: z.array(z.string().min(1)).default(["gcf-v2-sources-"]),
});

export const gcpIamProjectStorageRolesBucketConditioned: PackResourcePolicy = {
  name: NAME,
  description:
    "Cloud Storage roles granted on the project carry an IAM condition limiting them to one Google-created bucket " +
    '(resource.name.startsWith("projects/_/buckets/<bucket>")) whose name starts with an allowed prefix; ' +
    "every other storage grant is bound on its bucket. " +
    "See https://cloud.google.com/iam/docs/conditions-resource-attributes#resource-name",
  url: "https://cloud.google.com/iam/docs/conditions-resource-attributes#resource-name",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: toPolicyConfigSchema(configSchema),
  configZod: configSchema,
  validateResource: (args, reportViolation) => {
    if (args.type !== "gcp:projects/iAMMember:IAMMember" || !PROJECT_IAM_TYPES.has(args.type)) {
      args.notApplicable("not a project IAM member");
    }
    const role = asString(args.props.role) ?? "";
    if (!role.startsWith("roles/storage.")) return;
    const member = asString(args.props.member) ?? "(unknown member)";
    const condition = args.props.condition as { expression?: unknown } | undefined;
    const expression = asString(condition?.expression);
    if (expression === undefined) {
      reportViolation(`${role} granted to ${member} on the whole project without a condition; bind it on the bucket`);
      return;
    }
    const bucket = BUCKET_CONDITION.exec(expression)?.[1];
    const { allowedBucketPrefixes } = readConfig(NAME, configSchema, args);
    if (bucket === undefined || !allowedBucketPrefixes.some((prefix) => bucket.startsWith(prefix))) {
      reportViolation(
        `${role} granted to ${member} on the project with condition ${expression}, which does not limit it to a ` +
          `bucket named ${allowedBucketPrefixes.join(" or ")}…`,
      );
    }
  },
};
