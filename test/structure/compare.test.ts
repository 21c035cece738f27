/**
 * Secrets and signatures are compared in one place, in constant time: src/core/compare.ts.
 * Any other `timingSafeEqual` or `Buffer.compare` in src/ is a second copy of
 * that rule (and `Buffer.compare` is not constant time).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { equalBytes, equalText, macMatches } from "../../src/core/compare.js";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe("the one comparison helper", () => {
  it("is the only code in src/ that compares bytes of secrets or MACs", () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => relative(SRC, file) !== join("core", "compare.ts"))
      .filter((file) => /timingSafeEqual|Buffer\.compare\(/.test(readFileSync(file, "utf8")))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });

  it("tells equal bytes from different ones of the same and of another length", () => {
    expect(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
    expect(equalText("tokén", "tokén")).toBe(true);
    expect(equalText("token", "tokem")).toBe(false);
  });

  it("checks an HMAC against RFC 4231's first test case", () => {
    const key = new Uint8Array(20).fill(0x0b);
    const mac = Buffer.from("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", "hex");
    expect(macMatches(key, "Hi There", mac)).toBe(true);
    expect(macMatches(key, "Hi There!", mac)).toBe(false);
  });
});
