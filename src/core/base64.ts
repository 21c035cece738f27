import { InvalidInputError } from "./errors.js";
import { INVISIBLE, nameInvisible } from "./repair.js";

const ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Standard base64 with padding, canonical: the standard alphabet, a length that is a
 * multiple of 4, at most two '=' at the end, and (RFC 4648 3.5) the unused bits of the last
 * character zero, so that no two texts decode to the same bytes. Checked without decoding.
 */
function isCanonicalBase64(text: string, alphabetChecked = false): boolean {
  if (text.length === 0 || text.length % 4 !== 0 || !(alphabetChecked || ALPHABET.test(text))) return false;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (padding === 0) return true;
  const last = DIGITS.indexOf(text[text.length - padding - 1] as string);
  return (last & (padding === 2 ? 0x0f : 0x03)) === 0;
}

export function isStandardBase64(text: string): boolean {
  return base64Problem(text) === null;
}

function describeChar(ch: string): string {
  switch (ch) {
    case " ":
      return "a space";
    case "\n":
    case "\r":
      return "a line break";
    case "\t":
      return "a tab";
    case "-":
    case "_":
      return `'${ch}' (base64url alphabet)`;
    case "%":
      return "'%' (percent-encoding)";
    default: {
      const code = ch.codePointAt(0) ?? 0;
      const hex = code.toString(16).toUpperCase().padStart(4, "0");
      if (code < 0x20 || code === 0x7f) return `control character U+${hex}`;
      // A character that does not show is named, never quoted as it is.
      if (INVISIBLE.test(ch)) return nameInvisible(ch);
      return /\s/.test(ch) ? `a whitespace character U+${hex}` : `'${ch}'`;
    }
  }
}

/**
 * Says why `text` is not standard base64 (RFC 4648 section 4, with '=' padding), or
 * returns null when it is. Positions are 1-based character positions.
 */
export function base64Problem(text: string, options: { secret?: boolean } = {}): string | null {
  if (text.length === 0) return "is empty";
  if (isCanonicalBase64(text)) return null;
  if (text.length % 4 === 0 && ALPHABET.test(text)) {
    // RFC 4648 3.5: unused bits of the last character must be zero. Rejecting the rest
    // means two different texts never decode to the same bytes.
    return "has a last character whose unused bits are not zero (no encoder writes that: altered?)";
  }
  const bad = /[^A-Za-z0-9+/=]/.exec(text);
  if (bad) {
    if (/\s/.test(bad[0])) {
      // Whitespace around a value is the usual slip (an editor's newline, a pasted space):
      // say so in those words. Whitespace quotes nothing of a secret.
      const what = describeChar(bad[0]).replace(/^an? /, "");
      if (text.slice(bad.index).trim() === "") return `contains a trailing ${what}`;
      if (text.slice(0, bad.index + 1).trim() === "") return `contains a leading ${what}`;
      return `contains ${describeChar(bad[0])} at position ${bad.index + 1}`;
    }
    // Never quote a character of a secret back.
    const what = options.secret ? "a character outside the base64 alphabet" : describeChar(bad[0]);
    return `contains ${what} at position ${bad.index + 1}`;
  }
  const firstPad = text.indexOf("=");
  if (firstPad !== -1 && /[^=]/.test(text.slice(firstPad))) {
    return `has '=' padding inside the text at position ${firstPad + 1}`;
  }
  const padding = text.length - (firstPad === -1 ? text.length : firstPad);
  if (padding > 2) return `ends with ${padding} '=' characters (at most 2 are allowed)`;
  if (text.length % 4 !== 0) {
    return `is ${text.length} characters long, not a multiple of 4 (padding missing?)`;
  }
  return "has a length and padding that do not fit together";
}

/** Decodes strict, canonical standard base64 once; says why not when it is not. */
export function decodeStandardBase64(
  text: string,
  /** The caller has already matched `text` against the standard alphabet and padding. */
  alphabetChecked = false,
): { bytes: Uint8Array } | { problem: string } {
  if (isCanonicalBase64(text, alphabetChecked)) return { bytes: Buffer.from(text, "base64") };
  return { problem: base64Problem(text) ?? "is not standard base64" };
}

/** Decodes strict standard base64; throws with `code` "invalid_secret" for a bad secret. */
export function decodeSecret(secret: string): Uint8Array {
  const problem = base64Problem(secret, { secret: true });
  if (problem !== null) {
    throw new InvalidInputError("invalid_secret", `the application secret is not standard base64: it ${problem}`);
  }
  return Buffer.from(secret, "base64");
}
