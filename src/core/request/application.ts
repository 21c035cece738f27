import { createHmac, hash } from "node:crypto";
import { base64Problem } from "../base64.js";
import { InvalidInputError } from "../errors.js";

/**
 * Sinch's application-signed requests (formats.md §3): the Voice and Verification REST
 * requests a backend makes, and the callbacks Sinch sends back, signed with the same
 * application key and secret as user tickets.
 *
 * ```
 * Content-MD5   = base64(MD5(body bytes))        ("" when there is no body)
 * StringToSign  = VERB \n Content-MD5 \n Content-Type \n x-timestamp:TS \n resource
 * Signature     = base64(HMAC-SHA256(base64decode(secret), UTF-8(StringToSign)))
 * Authorization = Application KEY:Signature
 * ```
 */

/** What the string-to-sign is made of, each part exactly as signed. */
export interface StringToSignParts {
  method: string;
  /** base64 MD5 of the body bytes; "" for no body. */
  contentMd5: string;
  contentType: string;
  /** The x-timestamp header's value as sent. */
  timestamp: string;
  /** The path (with `?query` when the signer keeps it). */
  resource: string;
}

/** The application secret as HMAC key bytes, and whether it had to be read leniently. */
export interface ApplicationKeyBytes {
  bytes: Uint8Array;
  /** True when the secret is not strict base64 and was decoded as Node and Java do. */
  lenient: boolean;
}

/** base64(MD5(body)), or "" when there is no body (an empty body counts as none, as Sinch's SDKs do). */
export function contentMd5(body: Uint8Array | string | null | undefined): string {
  if (body === null || body === undefined || body.length === 0) return "";
  return hash("md5", body, "base64");
}

/**
 * The MD5 Sinch's SDKs would write for an empty body if they took one (a known mistake):
 * base64 of MD5(""), written out so that loading this module hashes nothing.
 */
export const EMPTY_BODY_MD5 = "1B2M2Y8AsgTpgAmY7PhCfg==";

export function stringToSign(parts: StringToSignParts): string {
  return `${parts.method}\n${parts.contentMd5}\n${parts.contentType}\nx-timestamp:${parts.timestamp}\n${parts.resource}`;
}

/** The last secret decoded (a receiver checks request after request with the same one). */
let lastDecoded: [string, ApplicationKeyBytes] | null = null;

/**
 * The secret's bytes: strict standard base64 decoded; anything else decoded leniently, as
 * Node's `Buffer.from(s, "base64")` and Java do (Python refuses), flagged `lenient`. The
 * bytes are shared between calls: read them, never change them.
 */
export function applicationKeyBytes(secret: string | Uint8Array): ApplicationKeyBytes {
  if (typeof secret !== "string") return { bytes: secret, lenient: false };
  if (lastDecoded?.[0] === secret) return lastDecoded[1];
  const decoded = decodeApplicationSecret(secret);
  lastDecoded = [secret, decoded];
  return decoded;
}

function decodeApplicationSecret(secret: string): ApplicationKeyBytes {
  if (base64Problem(secret, { secret: true }) === null) return { bytes: Buffer.from(secret, "base64"), lenient: false };
  const bytes = Buffer.from(secret, "base64");
  if (bytes.length === 0) {
    throw new InvalidInputError("invalid_secret", "the application secret decodes to no bytes at all");
  }
  return { bytes, lenient: true };
}

/** base64(HMAC-SHA256(key, UTF-8(text))). */
export function applicationSignature(key: Uint8Array, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("base64");
}

/** HMAC-SHA256(key, UTF-8(text)), the bytes (typed without Node's types, for the library's users). */
export function applicationMac(key: Uint8Array, text: string): Uint8Array {
  return createHmac("sha256", key).update(text, "utf8").digest();
}

export interface SignRequestOptions {
  applicationKey: string;
  /** The application secret as Sinch shows it (base64 text), or its decoded bytes. */
  applicationSecret: string | Uint8Array;
  method: string;
  /** The resource as it is to be signed: a path, or a path with `?query`. */
  resource: string;
  /** The body bytes (a string is taken as UTF-8); none or empty: no body. */
  body?: Uint8Array | string | null;
  /** Signed exactly as given; default `application/json` with a body, "" without. */
  contentType?: string | null;
  /** The x-timestamp value, exactly as it will be sent. */
  timestamp: string;
}

export interface SignedRequest {
  method: string;
  path: string;
  contentType: string;
  contentMd5: string;
  timestamp: string;
  stringToSign: string;
  /** The whole Authorization header value: `Application KEY:SIGNATURE`. */
  authorization: string;
  /** Set when the secret is not strict base64 (see `applicationKeyBytes`). */
  lenientSecret: boolean;
}

/** Signs a request as Sinch's SDKs do; the result says what was signed. */
export function signApplicationRequest(options: SignRequestOptions): SignedRequest {
  if (options.applicationKey === "" || /[\s:]/.test(options.applicationKey)) {
    throw new InvalidInputError("invalid_key", "the application key is empty or holds a space or ':'");
  }
  const key = applicationKeyBytes(options.applicationSecret);
  const body = typeof options.body === "string" ? Buffer.from(options.body, "utf8") : (options.body ?? null);
  const hasBody = body !== null && body.length > 0;
  const parts: StringToSignParts = {
    method: options.method.toUpperCase(),
    contentMd5: contentMd5(body),
    contentType: options.contentType ?? (hasBody ? "application/json" : ""),
    timestamp: options.timestamp,
    resource: options.resource,
  };
  const text = stringToSign(parts);
  return {
    method: parts.method,
    path: parts.resource,
    contentType: parts.contentType,
    contentMd5: parts.contentMd5,
    timestamp: parts.timestamp,
    stringToSign: text,
    authorization: `Application ${options.applicationKey}:${applicationSignature(key.bytes, text)}`,
    lenientSecret: key.lenient,
  };
}
