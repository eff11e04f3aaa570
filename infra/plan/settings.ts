// The stack's settings that change behaviour, as the plan's first table: every validated config key
// (nested objects one row per entry), so dev and prod visibly differ where their files do, and a key
// added to the config shows up without code here.
import type { TierLimits } from "@genai-platform/definition";
import { table } from "@genai-platform/policies/table.ts";
import type { StackConfig } from "../config.ts";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `{ image: 10, video: 1 }` -> `image 10, video 1`; lists joined with commas. */
function plain(value: unknown): string {
  if (Array.isArray(value)) return value.map(plain).join(", ");
  if (isRecord(value))
    return Object.entries(value)
      .map(([k, v]) => `${k} ${plain(v)}`)
      .join(", ");
  return String(value);
}

export interface SettingsDefaults {
  /** The definition's tier limits, shown when the stack does not override them. */
  tiers: TierLimits;
}

export function settingRows(config: StackConfig, defaults: SettingsDefaults): [string, string][] {
  const rows: [string, string][] = [];
  const effective: Record<string, unknown> = { ...config };
  if (config.tierLimits === undefined) effective["tierLimits (definition)"] = defaults.tiers;
  for (const [key, value] of Object.entries(effective)) {
    if (key === "models") {
      // The model and location each kind calls: the definition's defaults unless the stack overrides them.
      for (const [kind, choice] of Object.entries(config.models)) {
        rows.push([`models.${kind}`, `${choice.id} @ ${choice.location}`]);
      }
    } else if (isRecord(value)) for (const [sub, v] of Object.entries(value)) rows.push([`${key}.${sub}`, plain(v)]);
    else rows.push([key, plain(value)]);
  }
  return rows;
}

export function renderSettings(file: string, config: StackConfig, defaults: SettingsDefaults): string {
  return [`Stack settings (${file})`, table(["setting", "value"], settingRows(config, defaults))].join("\n");
}
