// The Google APIs the backend needs, enabled once per project; every other component depends on it.
// Enabled through a provider of its own that sends no quota project, then given time to settle.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { PropagationWait } from "../dynamic/propagation-wait.ts";
import { REQUIRED_APIS } from "./required-apis.ts";

export { REQUIRED_APIS } from "./required-apis.ts";

export interface ApisArgs {
  /** Project to enable the services in. */
  project: string;
  /** Services to enable. Default: `REQUIRED_APIS`. */
  services?: readonly string[];
  /** Seconds to wait after enabling before dependents start. Default: the PropagationWait default. */
  propagationSeconds?: number;
}

export class Apis extends pulumi.ComponentResource {
  /** One resource per enabled service; depend on these before creating anything that needs them. */
  readonly services: gcp.projects.Service[];
  /** The provider without the quota-project override, for calls that must work before the APIs do. */
  readonly provider: gcp.Provider;
  /** Completes once every service is enabled and has had time to settle: depend on this. */
  readonly ready: PropagationWait;

  constructor(name: string, args: ApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("genai-platform:infra:Apis", name, {}, opts);
    const normalized = normalizeApisArgs(args);
    // With userProjectOverride the stack's provider bills each call to the project it touches, and
    // a project whose APIs are not yet enabled cannot be that quota project. Firebase's own guide
    // enables services through a provider without the override:
    // https://firebase.google.com/docs/projects/terraform/get-started
    this.provider = new gcp.Provider(
      `${name}-provider`,
      { project: normalized.project, userProjectOverride: false },
      { parent: this },
    );
    const provider = this.provider;
    this.services = normalized.services.map(
      (service) =>
        new gcp.projects.Service(
          `${name}-${service.split(".")[0]}`,
          // Leaving services enabled on destroy: other workloads in the project may rely on them.
          // https://www.pulumi.com/registry/packages/gcp/api-docs/projects/service/
          { project: normalized.project, service, disableOnDestroy: false },
          { parent: this, provider },
        ),
    );
    // "Activating a service is eventually consistent": the resource is done before the API answers.
    // https://github.com/hashicorp/terraform-provider-google/blob/main/website/docs/guides/google_project_service.html.markdown
    this.ready = new PropagationWait(
      `${name}-propagation`,
      {
        triggers: this.services.map((s) => s.service),
        ...(normalized.propagationSeconds === undefined ? {} : { seconds: normalized.propagationSeconds }),
      },
      { parent: this, dependsOn: this.services },
    );
    this.registerOutputs({ services: this.services.map((s) => s.service) });
  }
}

function normalizeApisArgs(args: ApisArgs) {
  return {
    project: args.project,
    services: [...new Set(args.services ?? REQUIRED_APIS)].sort(),
    propagationSeconds: args.propagationSeconds,
  };
}
