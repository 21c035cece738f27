import { createHmac } from "node:crypto";
import { describeSpan } from "../describe.js";
import { MalformedTicketError } from "../errors.js";
import { findJsonError } from "../json-error.js";
import { type Damage, describeAmbiguity, type ReadInput, readInput } from "../read.js";
import { type SecretInput, secretKey } from "../secret.js";
import { isoOrNull, readUnixSeconds } from "../time.js";

/** Registration tokens (formats.md section 2): HS256 JWTs with a date-derived key. */
export const JWT_MIN_TTL = 60;
export const INSTANCE_MIN_LIFETIME = 48 * 3600;
export const JWT_DEFAULT_TTL = 600;
export const ISS_PREFIX = "//rtc.sinch.com/applications/";
const KID = /^hkdfv1-(\d{4})(\d{2})(\d{2})$/;

/** Writes JSON with object keys sorted at every level and no spaces, as Sinch's encoders do. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

export function base64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString("base64url");
}

/** "YYYYMMDD" of a time in UTC. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");
}

/** HMAC-SHA256(secret, ASCII("YYYYMMDD")): the signing key for tokens of that date. */
export function registrationSigningKey(secret: SecretInput, date: string): Uint8Array {
  return createHmac("sha256", secretKey(secret)).update(date, "ascii").digest();
}

/** Everything readable from a token without the secret; never throws. */
export interface TokenInspection {
  token: string;
  notes: string[];
  /** What the reader found in `token` that no token has (an ellipsis just after it...). */
  damage: readonly Damage[];
  /** Warnings about where the token was found. */
  inputWarnings: string[];
  parts: string[];
  headerJson: string | null;
  claimsJson: string | null;
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  signatureBytes: Uint8Array | null;
  /** The kid's date, "YYYYMMDD", when the kid is well-formed. */
  keyDate: string | null;
  applicationKey: string | null;
  userId: string | null;
  problems: string[];
  /** Set when `iat`, `exp` or `sinch:rtc:instance:exp` is outside the years 0001-9999. */
  timeProblem: string | null;
  /**
   * Problems that leave the header and claims readable: a time out of range, an `alg`
   * other than HS256, a signature of the wrong length (an unsigned token has both).
   */
  readableProblems: string[];
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function segment(name: string, text: string, problems: string[]): Buffer | null {
  if (!BASE64URL.test(text)) {
    const bad = /[^A-Za-z0-9_-]/.exec(text);
    problems.push(`the ${name} is not base64url: it contains '${bad?.[0]}' at position ${(bad?.index ?? 0) + 1}`);
    return null;
  }
  if (text.length % 4 === 1) {
    problems.push(`the ${name} is not base64url: ${text.length} characters cannot be decoded`);
    return null;
  }
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) {
    problems.push(`the ${name} is not canonical base64url (padding, or unused bits set)`);
    return null;
  }
  return bytes;
}

function jsonObject(
  name: string,
  bytes: Buffer,
  problems: string[],
): [string, Record<string, unknown>] | [string | null, null] {
  const text = bytes.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const where = findJsonError(text);
    problems.push(`the ${name} is not valid JSON${where ? ` at character ${where.offset + 1}: ${where.message}` : ""}`);
    return [text, null];
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`the ${name} is JSON but not an object`);
    return [text, null];
  }
  return [text, value as Record<string, unknown>];
}

/** Reads `input` (see `readInput`) and inspects it as a registration token. */
export function inspectRegistrationToken(input: string): TokenInspection {
  return inspectTokenInput(readInput(input));
}

/** Inspects a text already read as a registration token: its parts, and what is wrong. */
export function inspectTokenInput(input: ReadInput): TokenInspection {
  const { text: token, notes } = input;
  const r: TokenInspection = {
    token,
    notes,
    damage: input.damage,
    inputWarnings: input.warnings,
    parts: token.split("."),
    headerJson: null,
    claimsJson: null,
    header: null,
    claims: null,
    signatureBytes: null,
    keyDate: null,
    applicationKey: null,
    userId: null,
    problems: [],
    timeProblem: null,
    readableProblems: [],
  };
  if (input.kind === "none" || input.kind === "ambiguous") {
    r.problems.push(input.reason ?? `the text holds ${describeAmbiguity(input.found)}: one at a time`);
    return r;
  }
  if (r.parts.length !== 3) {
    r.problems.push(`a registration token has 3 parts separated by '.', this has ${r.parts.length}`);
    return r;
  }
  const [h = "", c = "", s = ""] = r.parts;
  const headerBytes = segment("header", h, r.problems);
  const claimsBytes = segment("claims", c, r.problems);
  r.signatureBytes = segment("signature", s, r.problems);
  if (headerBytes) [r.headerJson, r.header] = jsonObject("header", headerBytes, r.problems);
  if (claimsBytes) [r.claimsJson, r.claims] = jsonObject("claims", claimsBytes, r.problems);

  const { header, claims } = r;
  if (header) {
    if (header.alg !== "HS256") {
      const problem =
        header.alg === undefined
          ? "the header has no 'alg'"
          : `the header's alg is ${JSON.stringify(header.alg)}: registration tokens are HS256 (anything else, 'none' included, is refused)`;
      r.problems.push(problem);
      r.readableProblems.push(problem);
    }
    const kid = typeof header.kid === "string" ? KID.exec(header.kid) : null;
    if (!kid)
      r.problems.push(
        `the header's kid ${header.kid === undefined ? "is missing" : `${JSON.stringify(header.kid)} is not hkdfv1-YYYYMMDD`}`,
      );
    else {
      const [, y, m, d] = kid;
      const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
      if (utcDate(date.getTime()) !== `${y}${m}${d}`)
        r.problems.push(`the header's kid has an impossible date: ${header.kid}`);
      else r.keyDate = `${y}${m}${d}`;
    }
  }
  if (claims) {
    for (const name of ["iss", "sub", "nonce"] as const) {
      if (typeof claims[name] !== "string" || claims[name] === "")
        r.problems.push(`the claims have no string '${name}'`);
    }
    for (const name of ["iat", "exp"] as const) {
      if (typeof claims[name] !== "number" || !Number.isSafeInteger(claims[name]))
        r.problems.push(`the claims have no whole-number '${name}'`);
    }
    for (const name of ["iat", "exp", "sinch:rtc:instance:exp"] as const) {
      const value = claims[name];
      if (r.timeProblem !== null || typeof value !== "number" || !Number.isSafeInteger(value)) continue;
      const read = readUnixSeconds(name, value);
      if ("problem" in read) {
        r.timeProblem = `the claim ${read.problem}`;
        r.problems.push(r.timeProblem);
        r.readableProblems.push(r.timeProblem);
      }
    }
    const iss = claims.iss;
    if (typeof iss === "string") {
      if (
        !iss.startsWith(ISS_PREFIX) ||
        iss.length === ISS_PREFIX.length ||
        iss.slice(ISS_PREFIX.length).includes("/")
      ) {
        r.problems.push(`'iss' is not ${ISS_PREFIX}<APPLICATION_KEY>: ${JSON.stringify(iss)}`);
      } else r.applicationKey = iss.slice(ISS_PREFIX.length);
    }
    const sub = claims.sub;
    if (typeof sub === "string" && r.applicationKey !== null) {
      const prefix = `${ISS_PREFIX}${r.applicationKey}/users/`;
      if (!sub.startsWith(prefix) || sub.length === prefix.length) {
        r.problems.push(`'sub' is not ${prefix}<USER_ID>: ${JSON.stringify(sub)}`);
      } else r.userId = sub.slice(prefix.length);
    }
    const { iat, exp } = claims;
    // Spans between times out of range say nothing more than the range problem does.
    const inRange = r.timeProblem === null;
    if (inRange && typeof iat === "number" && typeof exp === "number" && exp - iat < JWT_MIN_TTL) {
      r.problems.push(`the token lives ${exp - iat}s (exp - iat); Sinch requires at least ${JWT_MIN_TTL}s`);
    }
    const instance = claims["sinch:rtc:instance:exp"];
    if (instance !== undefined) {
      if (typeof instance !== "number" || !Number.isSafeInteger(instance)) {
        r.problems.push("'sinch:rtc:instance:exp' must be a whole number of seconds");
      } else if (inRange && typeof iat === "number" && instance - iat < INSTANCE_MIN_LIFETIME) {
        r.problems.push(
          `'sinch:rtc:instance:exp' is ${describeSpan((instance - iat) * 1000)} after iat; Sinch requires at least 48h`,
        );
      }
    }
  }
  if (r.signatureBytes && r.signatureBytes.length !== 32) {
    const problem =
      r.signatureBytes.length === 0
        ? "the signature part is empty: the token is unsigned"
        : `the signature is ${r.signatureBytes.length} bytes; HS256 gives 32`;
    r.problems.push(problem);
    r.readableProblems.push(problem);
  }
  return r;
}

export interface DecodedRegistrationToken {
  format: "jwt";
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The exact decoded header and claims JSON text. */
  headerJson: string;
  json: string;
  signature: string;
  applicationKey: string;
  userId: string;
  keyDate: string;
  /** `iat` in ISO 8601; null when it is outside the years 0001-9999 (the token is malformed). */
  created: string | null;
  createdAt: number;
  /** `exp` in ISO 8601; null when it is outside the years 0001-9999 (the token is malformed). */
  expiresAt: string | null;
  /** Seconds from `iat` to `exp`. */
  lifetime: number;
  instanceExpiresAt: string | null;
  notes: string[];
  warnings: string[];
}

export function decodedToken(r: TokenInspection, now: Date): DecodedRegistrationToken | null {
  const { header, claims } = r;
  if (
    !header ||
    !claims ||
    r.headerJson === null ||
    r.claimsJson === null ||
    r.applicationKey === null ||
    r.userId === null ||
    r.keyDate === null
  ) {
    return null;
  }
  if (typeof claims.iat !== "number" || typeof claims.exp !== "number") return null;
  const createdAt = claims.iat * 1000;
  const instance = claims["sinch:rtc:instance:exp"];
  const warnings: string[] = [...r.inputWarnings];
  const created = isoOrNull(createdAt);
  if (created !== null && utcDate(createdAt) !== r.keyDate) {
    warnings.push(
      `the kid date ${r.keyDate} is not the UTC date of iat (${utcDate(createdAt)}): Sinch derives the key from the UTC date, so the token will be rejected`,
    );
  }
  if (created !== null && createdAt - now.getTime() > 5 * 60_000)
    warnings.push(`iat is ${describeSpan(createdAt - now.getTime())} in the future`);
  const extra = Object.keys(claims).filter(
    (k) => !["iss", "sub", "iat", "exp", "nonce", "sinch:rtc:instance:exp"].includes(k),
  );
  if (extra.length)
    warnings.push(`unknown claim${extra.length > 1 ? "s" : ""} ${extra.map((k) => `'${k}'`).join(", ")}`);
  return {
    format: "jwt",
    token: r.token,
    header,
    claims,
    headerJson: r.headerJson,
    json: r.claimsJson,
    signature: r.parts[2] ?? "",
    applicationKey: r.applicationKey,
    userId: r.userId,
    keyDate: r.keyDate,
    created: created?.replace(".000Z", "Z") ?? null,
    createdAt,
    expiresAt: isoOrNull(claims.exp * 1000)?.replace(".000Z", "Z") ?? null,
    lifetime: claims.exp - claims.iat,
    instanceExpiresAt:
      typeof instance === "number" ? (isoOrNull(instance * 1000)?.replace(".000Z", "Z") ?? null) : null,
    notes: r.notes,
    warnings,
  };
}

/** What decode makes of an inspected token: what it reads, or the first problem. */
export function decodeTokenInspected(
  r: TokenInspection,
  now: Date,
): { decoded: DecodedRegistrationToken | null; error: string | null } {
  const decoded = decodedToken(r, now);
  if (r.problems.length === 0 && decoded) return { decoded, error: null };
  const error = r.problems[0] ?? "the token cannot be read";
  // Only a time out of range, another alg or a signature of the wrong length (an unsigned
  // token): what the token says is still worth showing.
  if (decoded && r.problems.every((p) => r.readableProblems.includes(p))) return { decoded, error };
  return { decoded: null, error };
}

/** Reads a registration token **without checking its signature**. Throws MalformedTicketError. */
export function decodeRegistrationToken(input: string, options: { now?: Date } = {}): DecodedRegistrationToken {
  const { decoded, error } = decodeTokenInspected(inspectRegistrationToken(input), options.now ?? new Date());
  if (error !== null || !decoded) {
    throw new MalformedTicketError(error ?? "the token cannot be read", decoded ? { decoded } : {});
  }
  return decoded;
}
