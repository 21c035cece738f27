import { describe, expect, it } from "vitest";
import { base64Problem, decodeSecret } from "../../src/core/base64.js";

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
