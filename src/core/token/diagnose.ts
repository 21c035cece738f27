import { createHmac } from "node:crypto";
import type { Check, Diagnosis, MistakeId } from "../checks.js";
import { equalBytes as equal } from "../compare.js";
import { findJsonError } from "../json-error.js";
import { INVISIBLE, nameInvisible } from "../repair.js";
import { registrationSigningKey, type TokenInspection } from "./format.js";

/** A failed token and what is known about it, as each detector sees it. */
export interface TokenCase {
  inspection: TokenInspection;
  /** The decoded secret; null when there is none (decode): only damage is diagnosed then. */
  key: Uint8Array | null;
  /** The secret as text, when known: needed to test "secret used as text". */
  secretText: string | null;
  expectedKey: string | null;
  checks: readonly Check[];
  /** ASCII(header '.' claims), what HS256 signs. */
  signingInput: string;
  /** The UTC date of iat, "YYYYMMDD", when iat could be read. */
  iatDate: string | null;
}

/** One detector: says why the token failed in this mistake's way, or null. */
export type TokenDetector = (c: TokenCase) => string | null;

type TokenMistake = Extract<
  MistakeId,
  | "unsigned"
  | "truncated"
  | "invisible-character"
  | "kid-date"
  | "secret-not-decoded"
  | "mac-over-base64"
  | "wrong-application"
>;

function hmac(key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** The signature check failed on a readable 32-byte signature with a kid date. */
function signed(c: TokenCase): { key: Uint8Array; sig: Uint8Array; keyDate: string; dates: string[] } | null {
  const { signatureBytes: sig, keyDate } = c.inspection;
  const failed = c.checks.some((x) => x.name === "signature" && x.ok === false);
  if (c.key === null || !failed || !sig || sig.length !== 32 || keyDate === null) return null;
  return { key: c.key, sig, keyDate, dates: [...new Set([keyDate, ...(c.iatDate ? [c.iatDate] : [])])] };
}

/** The format failed: from the checks, or (decode) from the problems found. */
function formatFailed(c: TokenCase): boolean {
  return c.checks.length === 0
    ? c.inspection.problems.length > 0
    : c.checks.some((x) => x.name === "format" && x.ok === false);
}

/** 32 bytes of HS256 signature are 43 characters of base64url. */
const SIGNATURE_CHARS = 43;

/** `alg: none` with an empty signature part: made unsigned on purpose, never cut short. */
function isUnsigned(inspection: TokenInspection): boolean {
  const alg = inspection.header?.alg;
  return (
    inspection.parts.length === 3 &&
    inspection.parts[2] === "" &&
    typeof alg === "string" &&
    alg.toLowerCase() === "none"
  );
}

function unsigned(c: TokenCase): string | null {
  if (!formatFailed(c) || !isUnsigned(c.inspection)) return null;
  return `the token is unsigned (alg ${JSON.stringify(c.inspection.header?.alg)}, an empty signature part): a forgery or a test token, not one cut short. Sinch accepts only HS256 tokens signed with a key derived from the application secret`;
}

function truncated(c: TokenCase): string | null {
  if (!formatFailed(c) || isUnsigned(c.inspection)) return null;
  const found = cutShort(c);
  const ellipsis = c.inspection.damage.find((d) => d.kind === "ellipsis");
  if (!ellipsis) return found;
  const named = `the token ends in an ellipsis ('${ellipsis.length === 1 ? "\u2026" : "..."}'), where a chat tool or log viewer cut it`;
  return found === null
    ? `${named} (${c.inspection.token.length} characters are there). Copy it whole`
    : `${named}: ${found}`;
}

/** The token ends early: a part missing, a part's JSON stopping mid-way, a short signature. */
function cutShort(c: TokenCase): string | null {
  const { parts, headerJson, claimsJson, header, claims } = c.inspection;
  if (parts.length === 2 && parts[0]?.startsWith("eyJ") && parts[1]?.startsWith("eyJ")) {
    return `the token ends after its claims (${c.inspection.token.length} characters, 2 of its 3 parts): the signature is missing. It was cut short: copy it whole`;
  }
  if (parts.length !== 3) return null;
  const cut = (json: string | null, parsed: unknown) => {
    if (json === null || parsed !== null) return false;
    const error = findJsonError(json);
    return error !== null && (error.message === "unterminated string" || error.message.endsWith("the end of the text"));
  };
  if (cut(headerJson, header) || cut(claimsJson, claims)) {
    return "a part of the token stops mid-way through its JSON: it was cut short. Copy it whole";
  }
  const signature = parts[2] ?? "";
  if (/^[A-Za-z0-9_-]*$/.test(signature) && signature.length < SIGNATURE_CHARS) {
    return `the signature part has ${signature.length} characters; an HS256 signature is ${SIGNATURE_CHARS} (32 bytes in base64url): the token was cut short. Copy it whole`;
  }
  return null;
}

function invisibleCharacter(c: TokenCase): string | null {
  const { token } = c.inspection;
  const at = formatFailed(c) ? token.search(INVISIBLE) : -1;
  if (at === -1) return null;
  return `the token holds ${nameInvisible(token[at] as string)} at position ${at + 1}: a character that does not show, copied along from a web page, a chat or a document. Remove it`;
}

function kidDate(c: TokenCase): string | null {
  const s = signed(c);
  if (!s) return null;
  const { sig, keyDate } = s;
  if (c.iatDate !== null && c.iatDate !== keyDate) {
    const byKid = equal(hmac(registrationSigningKey(s.key, keyDate), c.signingInput), sig);
    const byIat = equal(hmac(registrationSigningKey(s.key, c.iatDate), c.signingInput), sig);
    if (byKid || byIat) {
      return `the kid says ${keyDate} but iat falls on ${c.iatDate} UTC: the date was taken in local time (as Sinch's Android reference app does). Format the kid date and derive the key from the UTC date of iat`;
    }
  }
  return equal(hmac(s.key, c.signingInput), sig)
    ? 'the token is signed with the application secret itself: the key must first be derived, HMAC-SHA256(secret, "YYYYMMDD") with the kid\'s date'
    : null;
}

function secretNotDecoded(c: TokenCase): string | null {
  const s = signed(c);
  if (!s || c.secretText === null) return null;
  const asText = Buffer.from(c.secretText, "utf8");
  return s.dates.some((d) => equal(hmac(registrationSigningKey(asText, d), c.signingInput), s.sig))
    ? "the signing key was derived from the application secret's text (UTF-8) instead of its base64-decoded bytes"
    : null;
}

function macOverBase64(c: TokenCase): string | null {
  const s = signed(c);
  const { headerJson, claimsJson, parts } = c.inspection;
  if (!s || headerJson === null || claimsJson === null) return null;
  const wrongInputs: [string, string][] = [
    [`${headerJson}.${claimsJson}`, "the JSON text of header and claims instead of their base64url forms"],
    [
      `${Buffer.from(headerJson).toString("base64")}.${Buffer.from(claimsJson).toString("base64")}`,
      "standard base64 (with '+', '/', '=') instead of base64url",
    ],
    [parts[1] ?? "", "the claims alone, without the header"],
  ];
  for (const d of s.dates) {
    const key = registrationSigningKey(s.key, d);
    const what = wrongInputs.find(([data]) => equal(hmac(key, data), s.sig))?.[1];
    if (what) {
      return `the signature covers the wrong input: ${what}. HS256 signs ASCII(base64url(header) + "." + base64url(claims))`;
    }
  }
  return null;
}

function wrongApplication({ inspection, checks, expectedKey }: TokenCase): string | null {
  const failed = checks.some((x) => x.name === "applicationKey" && x.ok === false);
  if (!failed || inspection.applicationKey === null || !expectedKey) return null;
  return `the token names application '${inspection.applicationKey}', not '${expectedKey}': verify it with that application's credentials, or have it made with yours`;
}

/** The detectors for registration tokens, by mistake id, in the order they are reported. */
export const TOKEN_DETECTORS: { readonly [M in TokenMistake]: TokenDetector } = {
  unsigned,
  truncated,
  "invisible-character": invisibleCharacter,
  "kid-date": kidDate,
  "secret-not-decoded": secretNotDecoded,
  "mac-over-base64": macOverBase64,
  "wrong-application": wrongApplication,
};

/** Recomputes the signature the mistaken ways people make tokens; reports what matches. */
export function diagnoseToken(inspection: TokenInspection, ctx: Omit<TokenCase, "inspection">): Diagnosis[] {
  const c: TokenCase = { ...ctx, inspection };
  const found: Diagnosis[] = [];
  for (const [mistake, detect] of Object.entries(TOKEN_DETECTORS) as [TokenMistake, TokenDetector][]) {
    const detail = detect(c);
    if (detail !== null) found.push({ mistake, detail });
  }
  return found;
}
