// The offline plan's snapshot format: what the program declared, resource by resource. The plan
// writes it, the policy pack judges it, `--diff` compares two of them.

export interface SnapshotResource {
  urn: string;
  /** Pulumi type token, e.g. `gcp:cloudtasks/queue:Queue`. */
  type: string;
  name: string;
  /** URN of the parent component, if any. */
  parent?: string;
  /** URNs of the resources it explicitly waits for (`dependsOn`), if any. */
  dependsOn?: string[];
  /** Resolved resource arguments. */
  inputs: Record<string, unknown>;
}

export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

export interface Violation {
  policy: string;
  level: EnforcementLevel;
  urn: string;
  message: string;
}

export interface Snapshot {
  stack: string;
  resources: SnapshotResource[];
  violations: Violation[];
}
