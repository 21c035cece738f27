import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstInvalidUtf8, replacementOffset } from "../../../src/cli/terminal/utf8.js";

describe("firstInvalidUtf8", () => {
  it("agrees with Node's own check, and everything before the place it names is UTF-8", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc.string({ unit: "binary", maxLength: 12 }).map((s) => new Uint8Array(Buffer.from(s, "utf8"))),
      // UTF-8 with one byte changed or cut
      fc
        .tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
        .map(([s, at, b]) => {
          const u = new Uint8Array(Buffer.from(s, "utf8"));
          u[at % u.length] = b;
          return u;
        }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const at = firstInvalidUtf8(b);
        expect(at === -1).toBe(isUtf8(b));
        if (at !== -1) expect(isUtf8(b.subarray(0, at))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("names overlong forms, surrogates and cut sequences", () => {
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from("J\u00f6rg \u20ac", "utf8"))).toBe(-1);
  });
});

describe("replacementOffset", () => {
  it("gives the UTF-8 byte offset of the first U+FFFD", () => {
    expect(replacementOffset("J\ufffdrg")).toBe(1);
    expect(replacementOffset("\u00e9\u20ac\ufffd")).toBe(5);
    expect(replacementOffset("alice")).toBe(-1);
  });
});
