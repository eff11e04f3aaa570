// The real clock and Firestore-style random ids (20 URL-safe characters, ~119 bits).
import { randomBytes } from "node:crypto";
import type { Clock, IdGenerator } from "../../ports/index.ts";

export const systemClock: Clock = { now: () => new Date() };

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Largest multiple of 62 below 256: bytes at or above it are skipped so every character is equally likely. */
const UNBIASED_LIMIT = 248;

export const randomIds: IdGenerator = {
  newId() {
    let id = "";
    while (id.length < 20) {
      for (const byte of randomBytes(32)) {
        if (byte < UNBIASED_LIMIT && id.length < 20) id += ALPHABET[byte % ALPHABET.length];
      }
    }
    return id;
  },
};
