import { createHmac } from "node:crypto";
import {
  type Check,
  type Diagnosis,
  resultCode,
  timeChecks,
  type Verdict,
  type VerifyCode,
  type VerifyTicketOptions,
} from "../checks.js";
import { equalBytes as equal } from "../compare.js";
import { secretKey } from "../secret.js";
import { isoOrNull } from "../time.js";
import { diagnoseToken } from "./diagnose.js";
import {
  type DecodedRegistrationToken,
  decodedToken,
  inspectRegistrationToken,
  registrationSigningKey,
  type TokenInspection,
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

/**
 * Verifies a registration token: HS256 only, the key derived from the secret and the
 * kid's date (which must be the UTC date of iat), iss/sub naming the application, iat and
 * exp with clock skew, at least 60 s of lifetime, a nonce, an instance expiry of at least
 * 48 h when present.
 */
export function verifyRegistrationToken(input: string, options: VerifyTokenOptions): TokenVerifyResult {
  return tokenResult(inspectRegistrationToken(input), options);
}

/** The checks, the code and the diagnosis of a token already inspected. */
export function judgeToken(r: TokenInspection, options: VerifyTokenOptions): Verdict {
  const secret = secretKey(options.applicationSecret);
  const now = options.now ?? new Date();
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
  const iatIso = typeof claims?.iat === "number" ? isoOrNull(claims.iat * 1000) : null;
  const iatDate = iatIso === null ? null : iatIso.slice(0, 10).replaceAll("-", "");
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

  // A time outside the years 0001-9999 is a format problem; the time checks skip it.
  const { created, expiry } = timeChecks({
    issuedAt: typeof claims?.iat === "number" && r.timeProblem === null ? claims.iat * 1000 : null,
    expiresAt: typeof claims?.exp === "number" ? claims.exp * 1000 : null,
    options,
    now,
    issuedName: "iat",
    expiryName: "exp",
  });
  const checks = [format, applicationKey, signature, created, expiry];
  const code = resultCode(checks);
  const diagnosis =
    code === "valid"
      ? []
      : diagnoseToken(r, {
          key: secret,
          secretText: typeof options.applicationSecret === "string" ? options.applicationSecret : null,
          expectedKey: options.applicationKey ?? null,
          checks,
          signingInput,
          iatDate,
        });
  return { valid: code === "valid", code, checks, diagnosis };
}

/** `judgeToken` with what the token says (header, claims, warnings), for verify's answer. */
export function tokenResult(r: TokenInspection, options: VerifyTokenOptions): TokenVerifyResult {
  const decoded = decodedToken(r, options.now ?? new Date());
  return {
    ...judgeToken(r, options),
    format: "jwt",
    header: r.header,
    claims: r.claims,
    notes: r.notes,
    warnings: decoded?.warnings ?? [],
    decoded,
  };
}
