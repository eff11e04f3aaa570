// Labels every labelable resource carries, so cost reports and policies can tell stacks apart.
import type { DeepReadonly, PlatformDefinition } from "@genai-platform/definition";

/** The platform definition as infra receives it (the literal, read-only module value or a parsed copy). */
export type Platform = DeepReadonly<PlatformDefinition>;

export function standardLabels(environment: string, extra: Record<string, string> = {}): Record<string, string> {
  return { env: environment, "managed-by": "pulumi", ...extra };
}
