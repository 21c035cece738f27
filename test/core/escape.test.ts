import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeForTerminal } from "../../src/core/escape.js";

/** Every character the contract says must not reach a terminal as it is. */
const UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
  0x200b,
  0x200c,
  0x200d,
  0x2028,
  0x2029,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2060,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
  0xfeff,
].map((c) => String.fromCharCode(c));

describe("escapeForTerminal", () => {
  it("writes newline, tab and carriage return as \\n, \\t, \\r", () => {
    expect(escapeForTerminal("a\nb\tc\rd")).toBe("a\\nb\\tc\\rd");
  });

  it("writes every other unsafe character as a \\u escape of four lower-case hex digits", () => {
    for (const c of UNSAFE.filter((c) => !"\n\t\r".includes(c))) {
      expect(escapeForTerminal(`x${c}y`)).toBe(`x\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}y`);
    }
    expect(escapeForTerminal("\u001b]0;owned\u0007")).toBe("\\u001b]0;owned\\u0007");
    expect(escapeForTerminal("\u202eevil")).toBe("\\u202eevil");
    expect(escapeForTerminal("zero\u200bwidth\ufeff")).toBe("zero\\u200bwidth\\ufeff");
  });

  it("leaves printable text alone, non-ASCII letters, emoji and other spaces included", () => {
    const text = "Åsa 東京 😀 a\u00a0b \u2019quoted\u2019 \\u001b";
    expect(escapeForTerminal(text)).toBe(text);
  });

  it("never lets an unsafe character through, and changes nothing else", () => {
    const unsafe = new RegExp(`[${UNSAFE.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}]`);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const escaped = escapeForTerminal(text);
        expect(escaped).not.toMatch(unsafe);
        // Reading the escapes back gives the text: nothing else changed.
        const back = escaped.replace(/\\(n|t|r|u[0-9a-f]{4})/g, (_m, e: string) =>
          e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : String.fromCharCode(Number.parseInt(e.slice(1), 16)),
        );
        if (!/\\(n|t|r|u[0-9a-f]{4})/.test(text)) expect(back).toBe(text);
      }),
    );
  });
});
