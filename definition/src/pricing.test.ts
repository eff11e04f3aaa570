import { describe, expect, it } from "vitest";
import { platform, priceOf } from "./index.ts";
import { estimateMicroUsd, microUsd } from "./pricing.ts";

describe("cost estimates", () => {
  it("prices an image by its requested size, a video by its seconds and audio, a turn by its tokens", () => {
    expect(estimateMicroUsd(priceOf("gemini-3-pro-image-preview"), { kind: "image", images: 1, imageSize: "4K" })).toBe(
      240_000,
    );
    expect(estimateMicroUsd(priceOf("veo-3.1-generate-001"), { kind: "video", seconds: 8, audio: true })).toBe(
      3_200_000,
    );
    expect(estimateMicroUsd(priceOf("veo-3.1-generate-001"), { kind: "video", seconds: 4, audio: false })).toBe(
      800_000,
    );
    expect(
      estimateMicroUsd(priceOf("gemini-3.1-pro-preview"), { kind: "agent", inputTokens: 1_000_000, outputTokens: 500 }),
    ).toBe(2_000_000 + 6_000);
  });

  it("refuses to price one kind with another kind's price", () => {
    expect(() =>
      estimateMicroUsd(priceOf("veo-3.1-generate-001"), { kind: "image", images: 1, imageSize: "1K" }),
    ).toThrow(/per-second price/);
  });

  it("never rounds a price down when converting to micro-USD", () => {
    // Every whole micro-USD amount a price can be written as maps back to itself (no float drift up or down).
    for (let micro = 1; micro <= 2_000_000; micro += 997) expect(microUsd(micro / 1_000_000)).toBe(micro);
    expect(microUsd(0.134)).toBe(134_000);
    expect(microUsd(0.0000011)).toBe(2);
  });

  it("gives every model of the definition a price and a date it was read", () => {
    for (const model of platform.models) {
      expect(model.price.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(model.price.source).toMatch(/^https:\/\//);
    }
  });
});
