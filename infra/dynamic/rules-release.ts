// The `cloud.firestore` release as an in-process dynamic resource: created or adopted with one
// upsert, updated in place when the ruleset changes (never deleted and re-created, so there is
// no moment without rules), and left in place on destroy.
import * as pulumi from "@pulumi/pulumi";
import type { PublishedRelease, ReleaseTarget } from "./rules-release-api.ts";

/**
 * Loaded by the provider at run time: the provider is serialized into the stack, so it carries
 * this module's location instead of the module. Runs on the Node that runs the program.
 */
const API_MODULE = new URL("./rules-release-api.ts", import.meta.url).href;

type ReleaseInputs = Required<Pick<ReleaseTarget, "project" | "release" | "rulesetName">> & { quotaProject: string };
type ReleaseOutputs = ReleaseInputs & Partial<PublishedRelease>;

/**
 * Loads the API module natively in whichever process runs the provider. Built from text so that
 * serializing the provider captures no module loader of the process that declares it.
 */
async function loadApi(): Promise<typeof import("./rules-release-api.ts")> {
  const load = new Function("specifier", "return import(specifier)") as (s: string) => Promise<never>;
  return load(API_MODULE);
}

/** Kept free of imports and outer variables other than loadApi: Pulumi serializes it. */
export const releaseProvider: pulumi.dynamic.ResourceProvider<ReleaseInputs, ReleaseOutputs> = {
  async create(inputs) {
    const api = await loadApi();
    const published = await api.publishRelease(inputs, await api.defaultRulesHttp());
    return { id: published.name, outs: { ...inputs, ...published } };
  },
  async diff(_id, olds, news) {
    const replaces = (["project", "release"] as const).filter((k) => olds[k] !== news[k]);
    const changed =
      replaces.length > 0 || olds.rulesetName !== news.rulesetName || olds.quotaProject !== news.quotaProject;
    return { changes: changed, replaces, deleteBeforeReplace: false };
  },
  async update(_id, _olds, news) {
    const api = await loadApi();
    const published = await api.publishRelease(news, await api.defaultRulesHttp());
    return { outs: { ...news, ...published } };
  },
  // Deleting the release would leave the database without the rules it enforces; a later
  // publish (or the next stack) points it elsewhere.
  async delete() {},
};

export interface RulesReleaseArgs {
  project: pulumi.Input<string>;
  /** Release id. Default: `cloud.firestore`, the release the (default) database enforces. */
  release?: string;
  /** Full ruleset name, `projects/P/rulesets/ID`. */
  rulesetName: pulumi.Input<string>;
  /** Quota project for the Rules API under user credentials (`gcp:billingProject`). */
  quotaProject: pulumi.Input<string>;
}

export class RulesRelease extends pulumi.dynamic.Resource {
  declare readonly rulesetName: pulumi.Output<string>;
  declare readonly updateTime: pulumi.Output<string | undefined>;

  constructor(name: string, args: RulesReleaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      releaseProvider,
      name,
      {
        project: args.project,
        // "Firestore Rules Releases will always have the name 'cloud.firestore'":
        // https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/firebaserules_release
        release: args.release ?? "cloud.firestore",
        rulesetName: args.rulesetName,
        quotaProject: args.quotaProject,
        updateTime: undefined,
      },
      opts,
      "genai-platform",
      "RulesRelease",
    );
  }
}
