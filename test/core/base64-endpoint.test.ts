import { describe, expect, it } from "vitest";
import { base64Problem, decodeSecret } from "../../src/core/base64.js";
import { checkEndpoint } from "../../src/core/endpoint.js";

describe("base64Problem", () => {
  it.each([
    ["QUJD", null],
    ["QUI=", null],
    ["QQ==", null],
    ["", "is empty"],
    ["QU I=", "contains a space at position 3"],
    ["QU-I", "contains '-' (base64url alphabet) at position 3"],
    ["QU%2B", "contains '%' (percent-encoding) at position 3"],
    ["QUJ\nD", "contains a line break at position 4"],
    ["QUJDQ", "is 5 characters long, not a multiple of 4 (padding missing?)"],
    ["QU=I", "has '=' padding inside the text at position 3"],
    ["Q===", "ends with 3 '=' characters (at most 2 are allowed)"],
    ["QR==", "has a last character whose unused bits are not zero (no encoder writes that: altered?)"],
    ["QUJ=", "has a last character whose unused bits are not zero (no encoder writes that: altered?)"],
  ])("%j: %s", (text, problem) => {
    expect(base64Problem(text)).toBe(problem);
  });

  it("never quotes a character of a secret", () => {
    expect(() => decodeSecret("abc!")).toThrow(
      "the application secret is not standard base64: it contains a character outside the base64 alphabet at position 4",
    );
    expect(decodeSecret("WU9VUl9BUFBMSUNBVElPTl9TRUNSRVQ=").toString()).toBe("YOUR_APPLICATION_SECRET");
  });
});

describe("checkEndpoint", () => {
  it("normalises a phone number to E.164 and says so", () => {
    expect(checkEndpoint("number", "+46 (70) 123-45.67")).toEqual({
      endpoint: "+46701234567",
      note: "number normalised to E.164: +46701234567",
    });
    expect(checkEndpoint("number", "+46700000000")).toEqual({ endpoint: "+46700000000", note: null });
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
