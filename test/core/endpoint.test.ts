import { describe, expect, it } from "vitest";
import { checkEndpoint } from "../../src/core/endpoint.js";

describe("checkEndpoint", () => {
  it("refuses in a user name exactly Unicode's control characters (General_Category Cc)", () => {
    const refused = (c: string) => {
      try {
        checkEndpoint("username", `a${c}b`);
        return false;
      } catch (error) {
        return /control character/.test((error as Error).message);
      }
    };
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const c = String.fromCodePoint(code);
      if (refused(c) !== /\p{Cc}/u.test(c)) throw new Error(`U+${code.toString(16)}`);
    }
  });

  it("normalises a phone number to E.164 and says so", () => {
    expect(checkEndpoint("number", "+46 (70) 123-45.67")).toEqual({
      endpoint: "+46701234567",
      note: "number normalised to E.164: +46701234567",
    });
    expect(checkEndpoint("number", "+46700000000")).toEqual({ endpoint: "+46700000000", note: null });
  });

  it.each([
    ["+46 (0)70 123 45 67", "+46701234567"],
    ["+44 (0)20 7946 0018", "+442079460018"],
    ["+44(0)2079460018", "+442079460018"],
    ["+49-(0)30-1234567", "+49301234567"],
  ])("drops the trunk prefix '(0)' after the country code: %j", (written, e164) => {
    expect(checkEndpoint("number", written)).toEqual({
      endpoint: e164,
      note: `number normalised to E.164: ${e164} (the trunk prefix '(0)' after the country code dropped, as dialling from abroad drops it)`,
    });
  });

  it("keeps a 0 that is not a trunk prefix in parentheses", () => {
    expect(checkEndpoint("number", "+46 70 (0)12 34 56").endpoint).toBe("+46700123456");
  });

  it.each([
    ["number", "46700000000", /start with \+/],
    ["number", "+0123", /first not 0/],
    ["number", "+1", /2 to 15 digits/],
    ["number", "+1234567890123456", /2 to 15 digits/],
    ["number", "+4670abc", /not E.164/],
    ["email", "alice", /does not look like an e-mail/],
    ["email", "alice@example", /does not look like an e-mail/],
    ["email", "a b@example.com", /does not look like an e-mail/],
    ["username", "", /empty/],
    ["username", "a\tb", /control character U\+0009 at position 2/],
    ["username", "a\u0085b", /control character U\+0085/],
    ["username", "a\ud800b", /not valid Unicode/],
  ] as const)("%s %j is refused", (type, endpoint, why) => {
    expect(() => checkEndpoint(type, endpoint)).toThrow(why);
  });

  it("accepts ordinary usernames and addresses as they are", () => {
    expect(checkEndpoint("username", "Zoë 张伟 😀").endpoint).toBe("Zoë 张伟 😀");
    expect(checkEndpoint("email", "first.last+tag@example.co.uk").endpoint).toBe("first.last+tag@example.co.uk");
  });
});
