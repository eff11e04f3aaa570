// The Google APIs the backend needs, enabled once per project; every other component depends on it.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { REQUIRED_APIS } from "./required-apis.ts";

export { REQUIRED_APIS } from "./required-apis.ts";

export interface ApisArgs {
  /** Project to enable the services in. */
  project: string;
  /** Services to enable. Default: `REQUIRED_APIS`. */
  services?: readonly string[];
}

export class Apis extends pulumi.ComponentResource {
  /** One resource per enabled service; depend on these before creating anything that needs them. */
  readonly services: gcp.projects.Service[];

  constructor(name: string, args: ApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Apis", name, {}, opts);
    const normalized = normalizeApisArgs(args);
    this.services = normalized.services.map(
      (service) =>
        new gcp.projects.Service(
          `${name}-${service.split(".")[0]}`,
          // Leaving services enabled on destroy: other workloads in the project may rely on them.
          { project: normalized.project, service, disableOnDestroy: false },
          { parent: this },
        ),
    );
    this.registerOutputs({ services: this.services.map((s) => s.service) });
  }
}

function normalizeApisArgs(args: ApisArgs): Required<ApisArgs> {
  return { project: args.project, services: [...new Set(args.services ?? REQUIRED_APIS)].sort() };
}
