import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { describeSpan } from "./describe.js";
import { InvalidInputError, MalformedTicketError } from "./errors.js";
import { findJsonError } from "./json-error.js";
import { normalizeTicketInput } from "./normalize.js";
import { type SecretInput, secretKey } from "./ticket.js";
import { isoFromMillis } from "./time.js";
import {
  type Check,
  type Diagnosis,
  resultCode,
  timeChecks,
  type VerifyCode,
  type VerifyTicketOptions,
} from "./verify.js";

/** Registration tokens (formats.md section 2): HS256 JWTs with a date-derived key. */
export const JWT_MIN_TTL = 60;
export const INSTANCE_MIN_LIFETIME = 48 * 3600;
export const JWT_DEFAULT_TTL = 600;
const ISS_PREFIX = "//rtc.sinch.com/applications/";
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

function base64url(data: Uint8Array | string): string {
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

export interface RegistrationTokenOptions {
  applicationKey: string;
  applicationSecret: SecretInput;
  userId: string;
  /** The `iat`. Defaults to the system clock. */
  now?: Date;
  /** Seconds until `exp` (default 600, at least 60). */
  ttl?: number;
  /** Default: a random UUID. */
  nonce?: string;
  /** Seconds after `iat` for `sinch:rtc:instance:exp` (at least 48 hours). */
  instanceExpiresIn?: number;
}

export interface RegistrationToken {
  token: string;
  format: "jwt";
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  expiresAt: string;
}

/** Makes a registration token, byte-identical to Sinch's reference encoders. */
export function createRegistrationToken(options: RegistrationTokenOptions): RegistrationToken {
  const { applicationKey, userId } = options;
  if (!applicationKey) throw new InvalidInputError("invalid_key", "the application key is empty");
  if (typeof userId !== "string" || userId === "")
    throw new InvalidInputError("invalid_endpoint", "the user id is empty");
  if (/\p{Cc}/u.test(userId))
    throw new InvalidInputError("invalid_endpoint", "the user id contains a control character");
  const ttl = options.ttl ?? JWT_DEFAULT_TTL;
  if (!Number.isSafeInteger(ttl) || ttl < JWT_MIN_TTL) {
    throw new InvalidInputError("invalid_duration", `the token lifetime must be at least ${JWT_MIN_TTL} seconds`);
  }
  const instance = options.instanceExpiresIn;
  if (instance !== undefined && (!Number.isSafeInteger(instance) || instance < INSTANCE_MIN_LIFETIME)) {
    throw new InvalidInputError("invalid_duration", "the instance expiry must be at least 48 hours after iat");
  }
  const nowMs = (options.now ?? new Date()).getTime();
  if (Number.isNaN(nowMs)) throw new InvalidInputError("invalid_time", "now is an invalid Date");
  const iat = Math.floor(nowMs / 1000);
  const date = utcDate(iat * 1000);
  const header = { alg: "HS256", kid: `hkdfv1-${date}` };
  const claims: Record<string, unknown> = {
    iss: `${ISS_PREFIX}${applicationKey}`,
    sub: `${ISS_PREFIX}${applicationKey}/users/${userId}`,
    iat,
    exp: iat + ttl,
    nonce: options.nonce ?? randomUUID(),
    ...(instance !== undefined ? { "sinch:rtc:instance:exp": iat + instance } : {}),
  };
  const input = `${base64url(sortedJson(header))}.${base64url(sortedJson(claims))}`;
  const signature = createHmac("sha256", registrationSigningKey(options.applicationSecret, date))
    .update(input)
    .digest();
  return {
    token: `${input}.${base64url(signature)}`,
    format: "jwt",
    header,
    claims,
    expiresAt: isoFromMillis((iat + ttl) * 1000),
  };
}

/** Everything readable from a token without the secret; never throws. */
export interface TokenInspection {
  token: string;
  notes: string[];
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

export function inspectRegistrationToken(input: string): TokenInspection {
  const { ticket: token, notes } = normalizeTicketInput(input);
  const r: TokenInspection = {
    token,
    notes,
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
  };
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
      r.problems.push(
        header.alg === undefined
          ? "the header has no 'alg'"
          : `the header's alg is ${JSON.stringify(header.alg)}: registration tokens are HS256 (anything else, 'none' included, is refused)`,
      );
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
    if (typeof iat === "number" && typeof exp === "number" && exp - iat < JWT_MIN_TTL) {
      r.problems.push(`the token lives ${exp - iat}s (exp - iat); Sinch requires at least ${JWT_MIN_TTL}s`);
    }
    const instance = claims["sinch:rtc:instance:exp"];
    if (instance !== undefined) {
      if (typeof instance !== "number" || !Number.isSafeInteger(instance)) {
        r.problems.push("'sinch:rtc:instance:exp' must be a whole number of seconds");
      } else if (typeof iat === "number" && instance - iat < INSTANCE_MIN_LIFETIME) {
        r.problems.push(
          `'sinch:rtc:instance:exp' is ${describeSpan((instance - iat) * 1000)} after iat; Sinch requires at least 48h`,
        );
      }
    }
  }
  if (r.signatureBytes && r.signatureBytes.length !== 32) {
    r.problems.push(`the signature is ${r.signatureBytes.length} bytes; HS256 gives 32`);
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
  created: string;
  createdAt: number;
  expiresAt: string;
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
  const warnings: string[] = [];
  if (utcDate(createdAt) !== r.keyDate) {
    warnings.push(
      `the kid date ${r.keyDate} is not the UTC date of iat (${utcDate(createdAt)}): Sinch derives the key from the UTC date, so the token will be rejected`,
    );
  }
  if (createdAt - now.getTime() > 5 * 60_000)
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
    created: isoFromMillis(createdAt).replace(".000Z", "Z"),
    createdAt,
    expiresAt: isoFromMillis(claims.exp * 1000).replace(".000Z", "Z"),
    instanceExpiresAt: typeof instance === "number" ? isoFromMillis(instance * 1000).replace(".000Z", "Z") : null,
    notes: r.notes,
    warnings,
  };
}

/** Reads a registration token **without checking its signature**. Throws MalformedTicketError. */
export function decodeRegistrationToken(input: string, options: { now?: Date } = {}): DecodedRegistrationToken {
  const r = inspectRegistrationToken(input);
  const decoded = decodedToken(r, options.now ?? new Date());
  if (r.problems.length > 0 || !decoded) throw new MalformedTicketError(r.problems[0] ?? "the token cannot be read");
  return decoded;
}

/** The same options as for tickets: secret, key, now, clock skew, max age, ignore time. */
export type VerifyTokenOptions = VerifyTicketOptions;

export interface TokenVerifyResult {
  valid: boolean;
  code: VerifyCode;
  format: "jwt";
  checks: Check[];
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  notes: string[];
  warnings: string[];
  diagnosis: Diagnosis[];
  decoded: DecodedRegistrationToken | null;
}

function hmac(key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies a registration token: HS256 only, the key derived from the secret and the
 * kid's date (which must be the UTC date of iat), iss/sub naming the application, iat and
 * exp with clock skew, at least 60 s of lifetime, a nonce, an instance expiry of at least
 * 48 h when present.
 */
export function verifyRegistrationToken(input: string, options: VerifyTokenOptions): TokenVerifyResult {
  const secret = secretKey(options.applicationSecret);
  const now = options.now ?? new Date();
  const r = inspectRegistrationToken(input);
  const decoded = decodedToken(r, now);
  const { claims } = r;

  const format: Check =
    r.problems.length === 0
      ? { name: "format", ok: true, detail: "well-formed HS256 registration token" }
      : { name: "format", ok: false, detail: r.problems.join("; ") };

  let applicationKey: Check;
  if (r.applicationKey === null)
    applicationKey = { name: "applicationKey", ok: null, detail: "skipped: iss could not be read" };
  else if (!options.applicationKey)
    applicationKey = { name: "applicationKey", ok: null, detail: "skipped: no application key to compare with" };
  else if (r.applicationKey === options.applicationKey)
    applicationKey = { name: "applicationKey", ok: true, detail: "iss and sub name this application" };
  else
    applicationKey = {
      name: "applicationKey",
      ok: false,
      detail: `the token is for application '${r.applicationKey}', not '${options.applicationKey}'`,
    };

  const signingInput = r.parts.length === 3 ? `${r.parts[0]}.${r.parts[1]}` : "";
  const iatDate = typeof claims?.iat === "number" ? utcDate(claims.iat * 1000) : null;
  let signature: Check;
  if (r.signatureBytes?.length !== 32 || r.keyDate === null || r.header?.alg !== "HS256") {
    signature = { name: "signature", ok: null, detail: "skipped: the token could not be read" };
  } else if (!equal(hmac(registrationSigningKey(secret, r.keyDate), signingInput), r.signatureBytes)) {
    signature = { name: "signature", ok: false, detail: `HMAC-SHA256 with the key of ${r.keyDate} does not match` };
  } else if (iatDate !== null && iatDate !== r.keyDate) {
    signature = {
      name: "signature",
      ok: false,
      detail: `signed with the key of ${r.keyDate}, but iat falls on ${iatDate} UTC: Sinch derives the key from the UTC date of iat`,
    };
  } else {
    signature = { name: "signature", ok: true, detail: `HMAC-SHA256 with the key of ${r.keyDate} matches` };
  }

  const { created, expiry } = timeChecks({
    issuedAt: typeof claims?.iat === "number" ? claims.iat * 1000 : null,
    expiresAt: typeof claims?.exp === "number" ? claims.exp * 1000 : null,
    options,
    now,
    issuedName: "iat",
    expiryName: "exp",
  });
  const checks = [format, applicationKey, signature, created, expiry];
  const code = resultCode(checks);
  const diagnosis = code === "valid" ? [] : diagnoseToken(r, secret, options, checks, signingInput, iatDate);
  return {
    valid: code === "valid",
    code,
    format: "jwt",
    checks,
    header: r.header,
    claims: r.claims,
    notes: r.notes,
    warnings: decoded?.warnings ?? [],
    diagnosis,
    decoded,
  };
}

/** Recomputes the signature the mistaken ways people make tokens; reports what matches. */
function diagnoseToken(
  r: TokenInspection,
  secret: Uint8Array,
  options: VerifyTokenOptions,
  checks: Check[],
  signingInput: string,
  iatDate: string | null,
): Diagnosis[] {
  const found: Diagnosis[] = [];
  const sig = r.signatureBytes;
  const failed = (name: string) => checks.some((c) => c.name === name && c.ok === false);
  if (failed("signature") && sig && sig.length === 32 && r.keyDate !== null) {
    const dates = new Set([r.keyDate, ...(iatDate ? [iatDate] : [])]);
    if (iatDate !== null && iatDate !== r.keyDate) {
      const byKid = equal(hmac(registrationSigningKey(secret, r.keyDate), signingInput), sig);
      const byIat = equal(hmac(registrationSigningKey(secret, iatDate), signingInput), sig);
      if (byKid || byIat) {
        found.push({
          mistake: "kid-date",
          detail: `the kid says ${r.keyDate} but iat falls on ${iatDate} UTC: the date was taken in local time (as Sinch's Android reference app does). Format the kid date and derive the key from the UTC date of iat`,
        });
      }
    }
    if (typeof options.applicationSecret === "string") {
      const asText = Buffer.from(options.applicationSecret, "utf8");
      if ([...dates].some((d) => equal(hmac(registrationSigningKey(asText, d), signingInput), sig))) {
        found.push({
          mistake: "secret-not-decoded",
          detail:
            "the signing key was derived from the application secret's text (UTF-8) instead of its base64-decoded bytes",
        });
      }
    }
    if (equal(hmac(secret, signingInput), sig)) {
      found.push({
        mistake: "kid-date",
        detail:
          'the token is signed with the application secret itself: the key must first be derived, HMAC-SHA256(secret, "YYYYMMDD") with the kid\'s date',
      });
    }
    if (r.headerJson !== null && r.claimsJson !== null) {
      const wrongInputs: [string, string][] = [
        [`${r.headerJson}.${r.claimsJson}`, "the JSON text of header and claims instead of their base64url forms"],
        [
          `${Buffer.from(r.headerJson).toString("base64")}.${Buffer.from(r.claimsJson).toString("base64")}`,
          "standard base64 (with '+', '/', '=') instead of base64url",
        ],
        [r.parts[1] ?? "", "the claims alone, without the header"],
      ];
      for (const d of dates) {
        const key = registrationSigningKey(secret, d);
        for (const [data, what] of wrongInputs) {
          if (equal(hmac(key, data), sig)) {
            found.push({
              mistake: "mac-over-base64",
              detail: `the signature covers the wrong input: ${what}. HS256 signs ASCII(base64url(header) + "." + base64url(claims))`,
            });
          }
        }
      }
    }
  }
  if (failed("applicationKey") && r.applicationKey !== null && options.applicationKey) {
    found.push({
      mistake: "wrong-application",
      detail: `the token names application '${r.applicationKey}', not '${options.applicationKey}': verify it with that application's credentials, or have it made with yours`,
    });
  }
  return found;
}
