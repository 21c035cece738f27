import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The one comparison of secrets and signatures in the tool: constant time over the bytes
 * (only a difference in length is told at once, and lengths are public: a MAC's is fixed).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Two texts compared as their UTF-8 bytes, in constant time (tokens, passwords, keys). */
export function equalText(a: string, b: string): boolean {
  return equalBytes(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** HMAC of `data` with `algorithm`, compared in constant time with `mac`. */
export function macMatches(
  key: Uint8Array | string,
  data: Uint8Array | string,
  mac: Uint8Array,
  algorithm: "sha256" | "sha1" = "sha256",
): boolean {
  return equalBytes(createHmac(algorithm, key).update(data).digest(), mac);
}
