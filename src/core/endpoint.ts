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
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CONTROL = /\p{Cc}/u;

/**
 * Checks an endpoint for its identity type. A phone number written with spaces, dashes,
 * dots or parentheses is normalised to E.164 and `note` says so.
 */
export function checkEndpoint(type: IdentityType, endpoint: string): CheckedEndpoint {
  const fail = (why: string): never => {
    throw new InvalidInputError("invalid_endpoint", `bad ${type} endpoint: ${why}`);
  };
  if (endpoint.length === 0) fail("it is empty");
  if (LONE_SURROGATE.test(endpoint)) fail("it is not valid Unicode text");
  switch (type) {
    case "username": {
      const control = CONTROL.exec(endpoint);
      if (control) {
        const code = control[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0");
        fail(`it contains the control character U+${code} at position ${control.index + 1}`);
      }
      return { endpoint, note: null };
    }
    case "email":
      if (!EMAIL.test(endpoint)) fail(`'${endpoint}' does not look like an e-mail address`);
      return { endpoint, note: null };
    case "number": {
      const compact = endpoint.trim().replace(/[\s\-.()]/g, "");
      if (!compact.startsWith("+")) {
        fail(`'${endpoint}' is not E.164: start with + and the country code, e.g. +46700000000`);
      }
      if (!E164.test(compact)) {
        fail(`'${endpoint}' is not E.164: + then 2 to 15 digits, the first not 0`);
      }
      return {
        endpoint: compact,
        note: compact === endpoint ? null : `number normalised to E.164: ${compact}`,
      };
    }
  }
}
