import { type Check, type CheckName, type Diagnosis, resultCode, timestampCheck, type VerifyCode } from "../checks.js";
import { equalBytes, equalText } from "../compare.js";
import { InvalidInputError } from "../errors.js";
import { examine, judge } from "../judge.js";
import { readInput } from "../read.js";
import { instantProblem, parseIsoParts, readUnixSeconds } from "../time.js";
import {
  applicationKeyBytes,
  applicationMac,
  contentMd5,
  type StringToSignParts,
  stringToSign,
} from "./application.js";
import { diagnoseApplication, diagnoseWebhook, type RequestDiagnosis } from "./diagnose.js";
import { headerValue, type ParsedRequest } from "./parse.js";
import { NUMBERS_HEADER, numbersSignature, WEBHOOK_HEADERS, webhookSignature, webhookSignedData } from "./webhook.js";

/** How a request is signed, read from its headers. */
export type RequestScheme = "application" | "user" | "webhook" | "numbers" | "basic";

/** A request's checks are a ticket's: one type, one order of result codes. */
export type RequestCheck = Check;
export type RequestCheckName = CheckName;

/** The default tolerance for the signed time: 15 minutes (Sinch documents none). */
export const DEFAULT_MAX_SKEW = 900;

export interface VerifyRequestOptions {
  /** The application secret (base64 text, or its bytes): application and user schemes. */
  applicationSecret?: string | Uint8Array | null;
  /** The expected application key; the check is skipped when absent. */
  applicationKey?: string | null;
  /** The webhook secret, used as the text it is: webhook and Numbers schemes. */
  webhookSecret?: string | null;
  now?: Date;
  /** Seconds the signed time may be off, either way (default 900). */
  maxSkew?: number;
  ignoreTime?: boolean;
  /** The resource signed includes `?query` (as Sinch's .NET SDK signs it). */
  withQuery?: boolean;
}

export interface RequestVerifyResult {
  valid: boolean;
  code: VerifyCode;
  scheme: RequestScheme | null;
  checks: RequestCheck[];
  /** What the signature should cover (null for a user ticket, or when unreadable). */
  stringToSign: string | null;
  notes: string[];
  warnings: string[];
  /** The request mistakes found; for a user ticket, the ticket's. */
  diagnosis: (RequestDiagnosis | Diagnosis)[];
}

/** The scheme a request's headers announce, or null when none is recognised. */
export function requestScheme(request: Pick<ParsedRequest, "headers">): RequestScheme | null {
  const authorization = headerValue(request, "authorization");
  if (authorization !== undefined && /^application\s/i.test(authorization)) return "application";
  if (authorization !== undefined && /^user\s/i.test(authorization)) return "user";
  if (authorization !== undefined && /^basic\s/i.test(authorization)) return "basic";
  if (headerValue(request, WEBHOOK_HEADERS.signature) !== undefined) return "webhook";
  if (headerValue(request, NUMBERS_HEADER) !== undefined) return "numbers";
  return null;
}

/** Which secret a scheme needs. */
export function secretFor(scheme: RequestScheme): "application" | "webhook" {
  return scheme === "webhook" || scheme === "numbers" ? "webhook" : "application";
}

const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

function result(
  scheme: RequestScheme | null,
  checks: RequestCheck[],
  extra: Partial<Pick<RequestVerifyResult, "stringToSign" | "notes" | "warnings" | "diagnosis">>,
): RequestVerifyResult {
  const code = resultCode(checks);
  return {
    valid: code === "valid",
    code,
    scheme,
    checks,
    stringToSign: extra.stringToSign ?? null,
    notes: extra.notes ?? [],
    warnings: extra.warnings ?? [],
    diagnosis: code === "bad_signature" ? (extra.diagnosis ?? []) : [],
  };
}

/** A failed `format` check for a request that cannot be judged at all. */
export function malformedRequest(detail: string, scheme: RequestScheme | null = null): RequestVerifyResult {
  return result(scheme, [{ name: "format", ok: false, detail }], {});
}

/** The `timestamp` check: the signed time within `maxSkew` of now, either way. */
function timeCheck(signedAt: number | null, label: string, options: VerifyRequestOptions): RequestCheck {
  return timestampCheck({
    signedAt,
    label,
    now: options.now ?? new Date(),
    skewSeconds: options.maxSkew ?? DEFAULT_MAX_SKEW,
    ignoreTime: options.ignoreTime === true,
  });
}

/**
 * Verifies a request signed with one of Sinch's schemes, chosen from its headers, and
 * diagnoses a bad signature by trying the known variants (a bounded list, one HMAC each).
 * Throws an `InvalidInputError` ("invalid_secret") when the scheme's secret is not given
 * (see `secretFor`).
 */
export function verifyRequest(request: ParsedRequest, options: VerifyRequestOptions): RequestVerifyResult {
  const scheme = requestScheme(request);
  if (scheme === null) {
    const authorization = headerValue(request, "authorization");
    return malformedRequest(
      authorization === undefined
        ? "no signature header: expected Authorization (Application or User), x-sinch-webhook-signature (Conversation, SMS) or X-Sinch-Signature (Numbers)"
        : `the Authorization header's scheme '${authorization.split(/\s/)[0]?.slice(0, 20)}' is not Application, User or Basic (Sinch signs with 'Application <key>:<signature>')`,
    );
  }
  const needs = secretFor(scheme);
  const secret = needs === "webhook" ? options.webhookSecret : options.applicationSecret;
  if (secret === null || secret === undefined || secret === "") {
    throw new InvalidInputError("invalid_secret", `verifying a ${scheme} request needs the ${needs} secret`);
  }
  if (scheme === "user") return verifyUser(request, options);
  if (scheme === "application") return verifyApplication(request, options);
  if (scheme === "basic") return verifyBasic(request, options);
  return verifyWebhook(request, scheme, options);
}

function verifyUser(request: ParsedRequest, options: VerifyRequestOptions): RequestVerifyResult {
  const ticket = (headerValue(request, "authorization") ?? "").replace(/^user\s+/i, "").trim();
  // The ticket goes the road every ticket goes; the request's time tolerance (--max-skew,
  // default 15 minutes, and --ignore-time) is its clock skew, as for a signed request.
  const verdict = judge(examine(readInput(ticket)), {
    applicationSecret: options.applicationSecret as string | Uint8Array,
    applicationKey: options.applicationKey ?? null,
    ...(options.now ? { now: options.now } : {}),
    clockSkew: options.maxSkew ?? DEFAULT_MAX_SKEW,
    ignoreTime: options.ignoreTime === true,
  });
  return {
    valid: verdict.valid,
    code: verdict.code,
    scheme: "user",
    checks: verdict.checks,
    stringToSign: null,
    notes: [...request.notes, ...verdict.notes],
    warnings: verdict.warnings,
    diagnosis: verdict.diagnosis,
  };
}

/** The key and secret an `Authorization: Basic` header carries: base64(key:secret), or plain key:secret (Node SDK). */
export function basicCredentials(request: Pick<ParsedRequest, "headers">): {
  key: string;
  secret: string;
  form: "base64" | "plain";
} | null {
  const value = (headerValue(request, "authorization") ?? "").replace(/^basic\s+/i, "").trim();
  if (value === "" || /\s/.test(value)) return null;
  let text = value;
  let form: "base64" | "plain" = "plain";
  if (!value.includes(":")) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
    const bytes = Buffer.from(value, "base64");
    text = bytes.toString("utf8");
    if (!Buffer.from(text, "utf8").equals(bytes)) return null;
    form = "base64";
  }
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) return null;
  return { key: text.slice(0, colon), secret: text.slice(colon + 1), form };
}

/** The secret as the text Sinch shows (base64), whichever form it was given in. */
function secretText(secret: string | Uint8Array): string {
  return typeof secret === "string" ? secret : Buffer.from(secret).toString("base64");
}

/**
 * HTTP Basic: the key and secret themselves, compared in constant time. Nothing of the
 * header's value goes into a check's words, a note or a warning.
 */
function verifyBasic(request: ParsedRequest, options: VerifyRequestOptions): RequestVerifyResult {
  const notes = [...request.notes];
  const warnings = [
    "basic: HTTP Basic sends the application secret itself on every request, where a signed request sends only an HMAC of it: anyone who sees one request (a log, a proxy) holds the secret; prefer 'Authorization: Application <key>:<signature>'",
  ];
  const found = basicCredentials(request);
  const checks: RequestCheck[] = [];
  if (found === null) {
    checks.push(
      {
        name: "format",
        ok: false,
        detail: "the Authorization: Basic value is neither base64(key:secret) nor key:secret",
      },
      { name: "applicationKey", ok: null, detail: "skipped: no key could be read" },
      { name: "signature", ok: null, detail: "skipped: no secret could be read" },
    );
  } else {
    checks.push({
      name: "format",
      ok: true,
      detail:
        found.form === "base64"
          ? "Authorization: Basic base64(key:secret), as Sinch's REST APIs accept it"
          : "Authorization: Basic key:secret in plain text, as Sinch's Node SDK accepts it (HTTP Basic wants it base64-encoded)",
    });
    if (!options.applicationKey) {
      checks.push({ name: "applicationKey", ok: null, detail: "skipped: no application key to compare with" });
    } else if (equalText(found.key, options.applicationKey)) {
      checks.push({ name: "applicationKey", ok: true, detail: "matches" });
    } else {
      checks.push({
        name: "applicationKey",
        ok: false,
        detail: `the Basic credentials name another application key than '${options.applicationKey}'`,
      });
    }
    checks.push(
      equalText(found.secret, secretText(options.applicationSecret as string | Uint8Array))
        ? { name: "signature", ok: true, detail: "the secret matches (compared in constant time)" }
        : {
            name: "signature",
            ok: false,
            detail: "the secret in the Basic credentials is not the application secret",
          },
    );
  }
  checks.push({ name: "timestamp", ok: null, detail: "skipped: HTTP Basic carries no signed time" });
  return result("basic", checks, { stringToSign: null, notes, warnings });
}

function verifyApplication(request: ParsedRequest, options: VerifyRequestOptions): RequestVerifyResult {
  const notes = [...request.notes];
  const warnings: string[] = [];
  const authorization = headerValue(request, "authorization") ?? "";
  const shape = /^(\S+) +([^\s:]+):(\S+)$/.exec(authorization.trim());
  const problems: string[] = [];
  if (!shape) problems.push("the Authorization header is not `Application <key>:<signature>`");
  const [, scheme = "", key = "", signatureText = ""] = shape ?? [];
  if (shape && !BASE64_32.test(signatureText)) {
    problems.push("the signature in the Authorization header is not base64 of 32 bytes (an HMAC-SHA256)");
  }
  if (shape && scheme !== "Application" && scheme !== "application") {
    notes.push(
      `scheme-case: the Authorization scheme is written '${scheme}'; accepted (HTTP schemes ignore case, and so does Sinch's Node SDK), but Sinch's .NET SDK wants exactly 'application'`,
    );
  }
  const timestamp = headerValue(request, "x-timestamp");
  let signedAt: number | null = null;
  if (timestamp === undefined) problems.push("no x-timestamp header: the signed time travels in it");
  else {
    const parts = parseIsoParts(timestamp);
    if (!parts || parts.offsetMinutes === null) {
      problems.push(`x-timestamp '${timestamp.slice(0, 40)}' is not an ISO 8601 time with a zone`);
    } else {
      const ms = parts.seconds * 1000 + Number(`0.${parts.fraction || "0"}`) * 1000;
      const problem = instantProblem("x-timestamp", ms, timestamp);
      if (problem === null) signedAt = ms;
      else problems.push(`header ${problem}`);
    }
  }
  const contentType = headerValue(request, "content-type");
  if (contentType === undefined && request.body.length > 0) {
    notes.push("the request has a body but no Content-Type header: an empty Content-Type line is signed");
  }
  const secret = options.applicationSecret as string | Uint8Array;
  const keyBytes = applicationKeyBytes(secret);
  if (keyBytes.lenient) {
    warnings.push(
      "lenient-secret: the application secret is not strict base64; Node and Java decode it leniently (as done here), Python's b64decode refuses it",
    );
  }
  const parts: StringToSignParts = {
    method: request.method,
    contentMd5: contentMd5(request.body),
    contentType: contentType ?? "",
    timestamp: timestamp ?? "",
    resource: options.withQuery && request.query !== null ? `${request.path}?${request.query}` : request.path,
  };
  const text = stringToSign(parts);
  const checks: RequestCheck[] = [
    problems.length === 0
      ? { name: "format", ok: true, detail: "Authorization: Application <key>:<signature>, with x-timestamp" }
      : { name: "format", ok: false, detail: problems.join("; ") },
  ];
  if (!shape) checks.push({ name: "applicationKey", ok: null, detail: "skipped: no key could be read" });
  else if (!options.applicationKey) {
    checks.push({ name: "applicationKey", ok: null, detail: "skipped: no application key to compare with" });
  } else if (key === options.applicationKey) {
    checks.push({ name: "applicationKey", ok: true, detail: "matches" });
  } else {
    checks.push({
      name: "applicationKey",
      ok: false,
      detail: `the request is signed for application '${key}', not '${options.applicationKey}'`,
    });
  }
  let diagnosis: RequestDiagnosis[] = [];
  if (!shape || !BASE64_32.test(signatureText) || timestamp === undefined) {
    checks.push({ name: "signature", ok: null, detail: "skipped: the signature header could not be read" });
  } else {
    const mac = Buffer.from(signatureText, "base64");
    if (equalBytes(applicationMac(keyBytes.bytes, text), mac))
      checks.push({ name: "signature", ok: true, detail: "HMAC-SHA256 matches" });
    else {
      checks.push({
        name: "signature",
        ok: false,
        detail: "HMAC-SHA256 does not match: another secret, or the signer signed another string than the one shown",
      });
      diagnosis = diagnoseApplication({
        parts,
        path: request.path,
        query: request.query,
        body: request.body,
        key: keyBytes.bytes,
        secretText: typeof secret === "string" ? secret : null,
        mac,
      });
    }
  }
  checks.push(timeCheck(signedAt, "x-timestamp", options));
  return result("application", checks, { stringToSign: text, notes, warnings, diagnosis });
}

function verifyWebhook(
  request: ParsedRequest,
  scheme: "webhook" | "numbers",
  options: VerifyRequestOptions,
): RequestVerifyResult {
  const notes = [...request.notes];
  const secret = options.webhookSecret as string;
  const problems: string[] = [];
  const checks: RequestCheck[] = [];
  let diagnosis: RequestDiagnosis[] = [];
  let text: string;
  let signedAt: number | null = null;
  if (scheme === "numbers") {
    const signature = (headerValue(request, NUMBERS_HEADER) ?? "").trim();
    if (!/^[0-9a-fA-F]{40}$/.test(signature)) problems.push("X-Sinch-Signature is not 40 hex digits (an HMAC-SHA1)");
    text = Buffer.from(request.body).toString("utf8");
    checks.push(
      problems.length === 0
        ? { name: "format", ok: true, detail: "X-Sinch-Signature: hex HMAC-SHA1 of the body" }
        : { name: "format", ok: false, detail: problems.join("; ") },
    );
    if (problems.length > 0)
      checks.push({ name: "signature", ok: null, detail: "skipped: the signature header could not be read" });
    else {
      const mac = Buffer.from(signature, "hex");
      if (equalBytes(Buffer.from(numbersSignature(secret, request.body), "hex"), mac)) {
        checks.push({ name: "signature", ok: true, detail: "HMAC-SHA1 matches" });
      } else {
        checks.push({
          name: "signature",
          ok: false,
          detail: "HMAC-SHA1 does not match: another callback secret, or the body was changed",
        });
        diagnosis = diagnoseWebhook({ scheme, body: request.body, nonce: "", timestamp: "", secret, mac });
      }
    }
    checks.push({ name: "timestamp", ok: null, detail: "skipped: Numbers webhooks sign no time" });
    return result(scheme, checks, { stringToSign: text, notes, diagnosis });
  }
  const signature = (headerValue(request, WEBHOOK_HEADERS.signature) ?? "").trim();
  const nonce = headerValue(request, WEBHOOK_HEADERS.nonce);
  const timestamp = headerValue(request, WEBHOOK_HEADERS.timestamp);
  const algorithm = headerValue(request, WEBHOOK_HEADERS.algorithm);
  if (!BASE64_32.test(signature)) problems.push("x-sinch-webhook-signature is not base64 of 32 bytes (an HMAC-SHA256)");
  if (nonce === undefined) problems.push("no x-sinch-webhook-signature-nonce header");
  if (timestamp === undefined) problems.push("no x-sinch-webhook-signature-timestamp header");
  else if (!/^\d{1,12}$/.test(timestamp)) problems.push("x-sinch-webhook-signature-timestamp is not Unix seconds");
  else {
    const read = readUnixSeconds("x-sinch-webhook-signature-timestamp", Number(timestamp));
    if ("problem" in read) problems.push(`header ${read.problem}`);
    else signedAt = read.ms;
  }
  if (algorithm !== undefined && algorithm.toLowerCase() !== "hmacsha256") {
    problems.push(`x-sinch-webhook-signature-algorithm is '${algorithm.slice(0, 20)}', not HmacSHA256`);
  }
  if (algorithm === undefined) {
    notes.push(
      "no x-sinch-webhook-signature-algorithm header: checked as HmacSHA256, as Sinch's Node, .NET and Python SDKs do; Sinch's Java SDK refuses a webhook without it",
    );
  }
  text = Buffer.from(webhookSignedData(request.body, nonce ?? "", timestamp ?? "")).toString("utf8");
  checks.push(
    problems.length === 0
      ? {
          name: "format",
          ok: true,
          detail: `x-sinch-webhook-signature with its nonce${algorithm === undefined ? " and timestamp" : ", timestamp and algorithm"}`,
        }
      : { name: "format", ok: false, detail: problems.join("; ") },
  );
  if (!BASE64_32.test(signature) || nonce === undefined || timestamp === undefined) {
    checks.push({ name: "signature", ok: null, detail: "skipped: the signature headers could not be read" });
  } else {
    const mac = Buffer.from(signature, "base64");
    if (equalBytes(Buffer.from(webhookSignature(secret, request.body, nonce, timestamp), "base64"), mac)) {
      checks.push({ name: "signature", ok: true, detail: "HMAC-SHA256 matches" });
    } else {
      checks.push({
        name: "signature",
        ok: false,
        detail: "HMAC-SHA256 does not match: another webhook secret, or the body was changed",
      });
      diagnosis = diagnoseWebhook({ scheme, body: request.body, nonce, timestamp, secret, mac });
    }
  }
  checks.push(timeCheck(signedAt, "x-sinch-webhook-signature-timestamp", options));
  return result(scheme, checks, { stringToSign: text, notes, diagnosis });
}
