// Reading resolved inputs defensively: a snapshot may come from any program, and the offline plan
// writes placeholders for values only known after deployment.
const PLACEHOLDERS = new Set(["[unknown]", "[secret]"]);

/** A value the policy can judge: present and not a placeholder for an unknown or secret. */
export function isKnown(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === "string" && PLACEHOLDERS.has(value));
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" && isKnown(value) ? value : undefined;
}

/** Numbers arrive as numbers from programs and sometimes as strings from hand-written snapshots. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** The last segment of a resource path (`projects/p/locations/l/services/NAME` -> `NAME`). */
export function lastSegment(value: string): string {
  return value.slice(value.lastIndexOf("/") + 1);
}

/** A resource class's type token (its `__pulumiType`), as the engine's `isType` compares it. */
export function pulumiType(resourceClass: unknown): string {
  const type = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  if (typeof type !== "string" || type === "") throw new Error("not a Pulumi resource class");
  return type;
}
