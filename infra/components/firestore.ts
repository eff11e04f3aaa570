// The Firestore database (native mode), its composite indexes, TTL policies and index exemptions from
// the platform definition, and the security rules from the same `firestore.rules` file Firebase tooling reads.
import { readFileSync } from "node:fs";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RulesRelease } from "../dynamic/rules-release.ts";
import type { Platform } from "../labels.ts";

export interface FirestoreArgs {
  /** Project of the database. */
  project: string;
  /** Database location (multi-region such as `eur3`, or a region). Immutable once created. */
  location: string;
  /** Collections (TTL fields, index exemptions) and composite indexes. */
  platform: Pick<Platform, "collections" | "indexes">;
  /** Path of the security rules file deployed as the `cloud.firestore` release. */
  rulesPath: string;
  /** Delete protection, point-in-time recovery and abandon-on-destroy (prod). Default: false. */
  deletionProtection?: boolean;
  /** Quota project for the Firebase Rules API under user credentials (`gcp:billingProject`). */
  quotaProject: string;
}

export class Firestore extends pulumi.ComponentResource {
  readonly database: gcp.firestore.Database;
  readonly ruleset: gcp.firebaserules.Ruleset;
  /** The `cloud.firestore` release, pointed at `ruleset`. */
  readonly release: RulesRelease;

  constructor(name: string, args: FirestoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Firestore", name, {}, opts);
    const normalized = normalizeFirestoreArgs(args);
    this.database = createDatabase(this, name, normalized);
    createIndexes(this, name, normalized, this.database);
    createFields(this, name, normalized, this.database);
    [this.ruleset, this.release] = createRules(this, name, normalized, this.database);
    this.registerOutputs({ database: this.database.name, ruleset: this.ruleset.name });
  }
}

type Normalized = ReturnType<typeof normalizeFirestoreArgs>;

function normalizeFirestoreArgs(args: FirestoreArgs) {
  let rules: string;
  try {
    rules = readFileSync(args.rulesPath, "utf8");
  } catch (cause) {
    throw new Error(`Firestore: rulesPath "${args.rulesPath}" cannot be read`, { cause });
  }
  return { ...args, rules, deletionProtection: args.deletionProtection ?? false };
}

function createDatabase(parent: pulumi.Resource, prefix: string, args: Normalized): gcp.firestore.Database {
  const protect = args.deletionProtection;
  return new gcp.firestore.Database(
    `${prefix}-database`,
    {
      project: args.project,
      name: "(default)",
      locationId: args.location,
      type: "FIRESTORE_NATIVE",
      appEngineIntegrationMode: "DISABLED",
      deleteProtectionState: protect ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
      pointInTimeRecoveryEnablement: protect ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED",
      // A protected database is never deleted by the program, only released from its state.
      deletionPolicy: protect ? "ABANDON" : "DELETE",
    },
    { parent, protect },
  );
}

function createIndexes(parent: pulumi.Resource, prefix: string, args: Normalized, db: gcp.firestore.Database): void {
  for (const index of args.platform.indexes) {
    const suffix = index.fields.map((f) => `${f.path}-${f.order === "ASCENDING" ? "asc" : "desc"}`).join("-");
    new gcp.firestore.Index(
      `${prefix}-index-${index.collection}-${suffix}`,
      {
        project: args.project,
        database: db.name,
        collection: index.collection,
        queryScope: "COLLECTION",
        fields: index.fields.map((f) => ({ fieldPath: f.path, order: f.order })),
      },
      { parent },
    );
  }
}

/**
 * One `gcp.firestore.Field` per field that has a TTL policy or an index exemption, or both: a field
 * has one configuration, and Google counts a TTL policy and an exemption on the same field as one.
 * Source: https://cloud.google.com/firestore/docs/ttl (limits and constraints)
 */
export function fieldConfigs(collections: Platform["collections"]): FieldConfig[] {
  const configs = new Map<string, FieldConfig>();
  const at = (collection: string, field: string) => {
    const key = `${collection}/${field}`;
    const config = configs.get(key) ?? { collection, field, ttl: false, exempt: false };
    configs.set(key, config);
    return config;
  };
  for (const collection of collections) {
    if (collection.ttlField !== undefined) at(collection.id, collection.ttlField).ttl = true;
    for (const exemption of collection.indexExemptions ?? []) at(collection.id, exemption.field).exempt = true;
  }
  return [...configs.values()];
}

export interface FieldConfig {
  collection: string;
  field: string;
  /** A TTL policy deletes documents by this field. */
  ttl: boolean;
  /** No single-field index (ascending, descending or array-contains) on this field. */
  exempt: boolean;
}

function createFields(parent: pulumi.Resource, prefix: string, args: Normalized, db: gcp.firestore.Database) {
  for (const config of fieldConfigs(args.platform.collections)) {
    // TTL fields keep the names they were first deployed under (a new name would replace them).
    const kind = config.ttl ? "ttl" : "field";
    new gcp.firestore.Field(
      `${prefix}-${kind}-${config.collection}-${config.field.replace(/\./g, "-")}`,
      {
        project: args.project,
        database: db.name,
        collection: config.collection,
        field: config.field,
        // An empty block configures a TTL policy on the field; leaving it out disables one.
        // Source: https://www.pulumi.com/registry/packages/gcp/api-docs/firestore/field/ (ttlConfig)
        ...(config.ttl ? { ttlConfig: {} } : {}),
        // An empty index configuration removes every single-field index of the field; leaving it
        // out keeps the automatic ones.
        // Source: https://cloud.google.com/firestore/docs/reference/rest/v1/projects.databases.collectionGroups.fields (indexConfig)
        ...(config.exempt ? { indexConfig: {} } : {}),
      },
      { parent },
    );
  }
}

function createRules(
  parent: pulumi.Resource,
  prefix: string,
  args: Normalized,
  db: gcp.firestore.Database,
): [gcp.firebaserules.Ruleset, RulesRelease] {
  const ruleset = new gcp.firebaserules.Ruleset(
    `${prefix}-rules`,
    { project: args.project, source: { files: [{ name: "firestore.rules", content: args.rules }] } },
    { parent, dependsOn: [db] },
  );
  // `cloud.firestore` is the release the (default) database enforces. The provider's Release
  // refuses one that already exists ("Resource already exists - apply blocked by lifecycle
  // params", https://github.com/hashicorp/terraform-provider-google/issues/20917) and replaces it
  // on every ruleset change (ruleset_name is ForceNew); this one upserts and updates in place.
  const release = new RulesRelease(
    `${prefix}-rules-release`,
    {
      project: args.project,
      // The provider's ruleset `name` is the bare id, as in its documented example.
      rulesetName: pulumi.interpolate`projects/${args.project}/rulesets/${ruleset.name}`,
      quotaProject: args.quotaProject,
    },
    { parent, dependsOn: [db] },
  );
  return [ruleset, release];
}
