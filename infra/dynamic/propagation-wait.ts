// A resource whose creation (and every change of its triggers) waits a fixed time: Google applies
// IAM grants and new service identities eventually, and resources that depend on it (function
// builds, first runs) start only once they have had time to propagate. In-process, no plugin.
import * as pulumi from "@pulumi/pulumi";

/**
 * Google: IAM changes "typically propagate in 2 minutes, but could potentially take 7 minutes or longer".
 * https://cloud.google.com/iam/docs/access-change-propagation
 */
export const DEFAULT_PROPAGATION_SECONDS = 120;

export interface PropagationWaitArgs {
  /** Seconds to wait on creation and whenever `triggers` change. Default: `DEFAULT_PROPAGATION_SECONDS`. */
  seconds?: number;
  /** What is being waited for (grant ids, identities); a change waits again. */
  triggers: pulumi.Input<pulumi.Input<string>[]>;
}

interface WaitInputs {
  seconds: number;
  triggers: string[];
}

/** Kept free of imports and outer variables: Pulumi serializes this object into its provider. */
export const waitProvider: pulumi.dynamic.ResourceProvider<WaitInputs, WaitInputs> = {
  async create(inputs) {
    await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
    return { id: `wait-${Date.now().toString(36)}`, outs: inputs };
  },
  async diff(_id, olds, news) {
    const same = JSON.stringify([...(olds.triggers ?? [])].sort()) === JSON.stringify([...news.triggers].sort());
    return { changes: !same || olds.seconds !== news.seconds };
  },
  async update(_id, _olds, news) {
    await new Promise((resolve) => setTimeout(resolve, news.seconds * 1000));
    return { outs: news };
  },
};

export class PropagationWait extends pulumi.dynamic.Resource {
  declare readonly seconds: pulumi.Output<number>;

  constructor(name: string, args: PropagationWaitArgs, opts?: pulumi.CustomResourceOptions) {
    const seconds = args.seconds ?? DEFAULT_PROPAGATION_SECONDS;
    if (!Number.isInteger(seconds) || seconds < 0) {
      throw new Error(`PropagationWait ${name}: seconds must be a non-negative integer, got ${seconds}`);
    }
    super(waitProvider, name, { seconds, triggers: args.triggers }, opts, "genai-platform", "PropagationWait");
  }
}
