// Cost estimates from the definition's prices, in whole micro-USD (1e-6 USD) so that sums of
// reservations are exact integers: a budget compared with a float sum could drift past its cap.
import type { ModelPrice, UsageKind } from "./schema.ts";

/** What a generation will produce, in the unit its model is priced by. */
export type CostUnits =
  | { kind: "image"; images: number; imageSize: "1K" | "2K" | "4K" }
  | { kind: "video"; seconds: number; audio: boolean }
  | { kind: "agent"; inputTokens: number; outputTokens: number };

const MICRO = 1_000_000;

/** USD to whole micro-USD, rounded up: an estimate never comes out below the price. */
export function microUsd(usd: number): number {
  // The epsilon keeps 0.134 * 1e6 = 134000.00000000001 from rounding up to 134001.
  return Math.ceil(usd * MICRO - 1e-6);
}

/** The price unit each kind of model is billed by. */
export const PRICE_UNIT_OF_KIND = { image: "image", video: "second", agent: "token" } as const satisfies Record<
  UsageKind,
  ModelPrice["unit"]
>;

/** Estimated cost of `units` at `price`, in micro-USD; throws when the price is for another kind. */
export function estimateMicroUsd(price: ModelPrice, units: CostUnits): number {
  if (price.unit !== PRICE_UNIT_OF_KIND[units.kind]) {
    throw new Error(`a ${units.kind} cost cannot be estimated from a per-${price.unit} price`);
  }
  switch (units.kind) {
    case "image":
      return units.images * microUsd((price as Extract<ModelPrice, { unit: "image" }>).usdPerImage[units.imageSize]);
    case "video": {
      const perSecond = (price as Extract<ModelPrice, { unit: "second" }>).usdPerSecond;
      return units.seconds * microUsd(units.audio ? perSecond.withAudio : perSecond.withoutAudio);
    }
    case "agent": {
      // A price per 1M tokens is the price of one token in micro-USD.
      const perToken = price as Extract<ModelPrice, { unit: "token" }>;
      return Math.ceil(
        units.inputTokens * perToken.usdPerMillionInputTokens +
          units.outputTokens * perToken.usdPerMillionOutputTokens -
          1e-6,
      );
    }
  }
}
