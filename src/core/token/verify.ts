import { createHmac, timingSafeEqual } from "node:crypto";
import {
  type Check,
  type Diagnosis,
  resultCode,
  timeChecks,
  type VerifyCode,
  type VerifyTicketOptions,
} from "../checks.js";
import { secretKey } from "../secret.js";
import {
  type DecodedRegistrationToken,
  decodedToken,
  inspectRegistrationToken,
  registrationSigningKey,
  type TokenInspection,
  utcDate,
} from "./format.js";

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
