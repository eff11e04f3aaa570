// Known CRC32C vectors (RFC 3720 appendix B.4 and the usual check value).
import { describe, expect, it } from "vitest";
import { crc32c, crc32cBase64 } from "./crc32c.ts";

describe("crc32c", () => {
  it.each([
    ["the check string 123456789", Buffer.from("123456789"), 0xe3069283],
    ["32 zero bytes", Buffer.alloc(32, 0), 0x8a9136aa],
    ["32 0xff bytes", Buffer.alloc(32, 0xff), 0x62a8ab43],
    ["no bytes", Buffer.alloc(0), 0],
  ])("computes the Castagnoli checksum of %s", (_, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it("encodes the checksum big-endian in base64, as object resources carry it", () => {
    expect(crc32cBase64(Buffer.from("123456789"))).toBe(Buffer.from([0xe3, 0x06, 0x92, 0x83]).toString("base64"));
  });
});
