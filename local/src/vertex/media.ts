// Deterministic stand-in media for the local Vertex AI server: a PNG whose colours and pattern come
// from a sha256 of the prompt, and a tiny MP4-shaped file. Same input, same bytes.
import { createHash } from "node:crypto";
import { PNG } from "pngjs";

/** Longest side of generated images: small enough to keep tests and local runs fast. */
export const IMAGE_LONG_SIDE = 256;

/** Width and height for an aspect ratio such as "16:9"; unparsable ratios give a square. */
export function imageDimensions(aspectRatio: string | undefined, longSide = IMAGE_LONG_SIDE) {
  const match = /^(\d+):(\d+)$/.exec(aspectRatio ?? "");
  const w = match ? Number(match[1]) : 1;
  const h = match ? Number(match[2]) : 1;
  if (w <= 0 || h <= 0) return { width: longSide, height: longSide };
  return w >= h
    ? { width: longSide, height: Math.max(1, Math.round((longSide * h) / w)) }
    : { width: Math.max(1, Math.round((longSide * w) / h)), height: longSide };
}

export function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** A PNG of two colours in stripes or checks, every choice taken from the prompt's hash. */
export function promptPng(prompt: string, aspectRatio?: string): Buffer {
  const hash = digest(prompt);
  const { width, height } = imageDimensions(aspectRatio);
  const png = new PNG({ width, height });
  const background = [hash[0] ?? 0, hash[1] ?? 0, hash[2] ?? 0];
  const foreground = [(hash[3] ?? 0) ^ 0x80, (hash[4] ?? 0) ^ 0x80, (hash[5] ?? 0) ^ 0x80];
  const cell = 8 + ((hash[6] ?? 0) % 32);
  const pattern = (hash[7] ?? 0) % 3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cx = Math.floor(x / cell);
      const cy = Math.floor(y / cell);
      const on = pattern === 0 ? cx % 2 === 0 : pattern === 1 ? cy % 2 === 0 : (cx + cy) % 2 === 0;
      const colour = on ? foreground : background;
      const i = (y * width + x) * 4;
      png.data[i] = colour[0] ?? 0;
      png.data[i + 1] = colour[1] ?? 0;
      png.data[i + 2] = colour[2] ?? 0;
      png.data[i + 3] = 255;
    }
  }
  // No per-row filter: pngjs otherwise tries all five on every row to pick the smallest (its
  // default), six times the cost for runs of flat colour that deflate as small either way.
  return PNG.sync.write(png, { filterType: 0 });
}

function box(type: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, payload]);
}

/**
 * Bytes that look like an MP4 to anything sniffing the header (an `ftyp` box), followed by an `mdat`
 * holding the prompt's hash. Not playable: nothing in this project decodes video.
 */
export function promptMp4(prompt: string): Buffer {
  const ftyp = box(
    "ftyp",
    Buffer.concat([
      Buffer.from("isom", "latin1"),
      Buffer.from([0, 0, 2, 0]),
      Buffer.from("isomiso2avc1mp41", "latin1"),
    ]),
  );
  return Buffer.concat([ftyp, box("mdat", digest(prompt))]);
}
