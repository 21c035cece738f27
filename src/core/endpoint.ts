import { InvalidInputError } from "./errors.js";

export const IDENTITY_TYPES = ["username", "email", "number"] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export interface Identity {
  type: string;
  endpoint: string;
}

export function isIdentityType(value: string): value is IdentityType {
  return (IDENTITY_TYPES as readonly string[]).includes(value);
}

export function checkIdentityType(value: string): IdentityType {
  if (!isIdentityType(value)) {
    throw new InvalidInputError(
      "invalid_identity_type",
      `'${value}' is not an identity type: use username, email or number`,
    );
  }
  return value;
}

export interface CheckedEndpoint {
  endpoint: string;
  /** Set when the endpoint was rewritten (a phone number normalised to E.164). */
  note: string | null;
}

const E164 = /^\+[1-9]\d{1,14}$/;
/** A trunk prefix written `(0)` right after the country code: `+44 (0)20 ...`. */
const TRUNK_PREFIX = /^(\s*\+\d{1,3})[\s\-.]*\(0\)/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/**
 * Unicode's control characters (General_Category Cc, a set Unicode's stability policy
 * keeps as it is), written out: as `\p{Cc}`, V8 would load ICU's property data when the
 * file loads, a fifth of a millisecond of every start.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Control characters and surrogates: only text containing one needs the slower checks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const SUSPICIOUS = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;

/**
 * Checks an endpoint for its identity type and returns it, a phone number written with
 * spaces, dashes, dots or parentheses normalised to E.164. Throws InvalidInputError.
 */
export function validateEndpoint(type: IdentityType, endpoint: string): string {
  const fail = (why: string): never => {
    throw new InvalidInputError("invalid_endpoint", `bad ${type} endpoint: ${why}`);
  };
  if (endpoint.length === 0) fail("it is empty");
  const suspicious = SUSPICIOUS.test(endpoint);
  if (suspicious && LONE_SURROGATE.test(endpoint)) fail("it is not valid Unicode text");
  switch (type) {
    case "username": {
      const control = suspicious ? CONTROL.exec(endpoint) : null;
      if (control) {
        const code = control[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0");
        fail(`it contains the control character U+${code} at position ${control.index + 1}`);
      }
      return endpoint;
    }
    case "email":
      if (!EMAIL.test(endpoint)) fail(`'${endpoint}' does not look like an e-mail address`);
      return endpoint;
    case "number": {
      // Dialling from abroad drops the trunk prefix: so does E.164.
      const compact = endpoint
        .replace(TRUNK_PREFIX, "$1")
        .trim()
        .replace(/[\s\-.()]/g, "");
      if (!compact.startsWith("+")) {
        fail(`'${endpoint}' is not E.164: start with + and the country code, e.g. +46700000000`);
      }
      if (!E164.test(compact)) {
        fail(`'${endpoint}' is not E.164: + then 2 to 15 digits, the first not 0`);
      }
      return compact;
    }
  }
}

/** `validateEndpoint`, with a note when the endpoint was rewritten. */
export function checkEndpoint(type: IdentityType, endpoint: string): CheckedEndpoint {
  const checked = validateEndpoint(type, endpoint);
  if (checked === endpoint) return { endpoint: checked, note: null };
  const trunk = type === "number" && TRUNK_PREFIX.test(endpoint);
  return {
    endpoint: checked,
    note: `number normalised to E.164: ${checked}${trunk ? " (the trunk prefix '(0)' after the country code dropped, as dialling from abroad drops it)" : ""}`,
  };
}

/**
 * What someone signing or reading this endpoint should know, though it is accepted:
 * whitespace around it, literal quotes (the identity JSON-encoded twice), a form other
 * than Unicode NFC (the same name typed on another device is another user to Sinch).
 */
export function endpointWarnings(endpoint: string): string[] {
  const warnings: string[] = [];
  if (endpoint !== endpoint.trim()) {
    warnings.push(`'identity.endpoint' has leading or trailing whitespace: ${JSON.stringify(endpoint)}`);
  }
  if (endpoint.length >= 2 && endpoint.startsWith('"') && endpoint.endsWith('"')) {
    warnings.push(
      `the endpoint is wrapped in literal quotes (${JSON.stringify(endpoint)}): the identity was JSON-encoded twice, and Sinch will take the quotes as part of the user's name`,
    );
  }
  const nfc = endpoint.normalize("NFC");
  if (nfc !== endpoint) {
    warnings.push(
      `the endpoint is not in Unicode NFC (${JSON.stringify(endpoint)}, composed: ${JSON.stringify(nfc)}): the same name typed elsewhere is usually composed, and Sinch compares bytes, so it would be another user`,
    );
  }
  return warnings;
}
