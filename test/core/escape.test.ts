/** The one escaping function: every character of the contract's set, and nothing else. */
import { describe, expect, it } from "vitest";
import { escapeForTerminal } from "../../src/core/escape.js";

const hex = (code: number) => `\\u${code.toString(16).padStart(4, "0")}`;

describe("escapeForTerminal", () => {
  it("writes newline, carriage return and tab as \\n, \\r, \\t", () => {
    expect(escapeForTerminal("a\nb\rc\td")).toBe("a\\nb\\rc\\td");
  });

  it("escapes every C0 control, DEL and every C1 control", () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const char = String.fromCharCode(code);
      const expected = char === "\n" ? "\\n" : char === "\r" ? "\\r" : char === "\t" ? "\\t" : hex(code);
      expect(escapeForTerminal(`x${char}y`)).toBe(`x${expected}y`);
    }
  });

  it("escapes bidirectional overrides and isolates, line and paragraph separators, zero-width characters", () => {
    const codes = [
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029, 0x200b, 0x200c, 0x200d,
      0x2060, 0xfeff,
    ];
    for (const code of codes) expect(escapeForTerminal(String.fromCharCode(code))).toBe(hex(code));
    expect(escapeForTerminal("\u001b[31mred")).toBe("\\u001b[31mred");
  });

  it("leaves printable text alone, non-ASCII letters and emoji included", () => {
    const text = "ace valid → 200 Åäö ’ 日本 😀 \\n already";
    expect(escapeForTerminal(text)).toBe(text);
    for (const code of [0x20, 0x7e, 0xa0, 0x200a, 0x200e, 0x2030, 0x2065, 0x206a, 0xfefe]) {
      const char = String.fromCharCode(code);
      expect(escapeForTerminal(char)).toBe(char);
    }
  });

  it("keeps a forged log line on its own line", () => {
    const forged = escapeForTerminal("ace\n2026-12-06T00:00:00.000Z POST /x ace application valid → 200");
    expect(forged.split("\n")).toHaveLength(1);
  });
});
