import { createHmac } from "node:crypto";
import type { Diagnosis, RequestMistakeId } from "../checks.js";
import { equalBytes as same } from "../compare.js";
import { isoOrNull, parseIsoParts } from "../time.js";
import { contentMd5, EMPTY_BODY_MD5, type StringToSignParts, stringToSign } from "./application.js";
import { decodedPath, escapePath } from "./escape.js";
import { reserializations } from "./serialize.js";
import { webhookSignedData } from "./webhook.js";

/** The mistakes `request verify` names (cli.md), each found by trying it (see checks.ts). */
export type { RequestMistakeId };

/** A request's diagnosis: the one `Diagnosis` shape, with a request mistake's id. */
export type RequestDiagnosis = Diagnosis<RequestMistakeId>;

/** One thing the signer may have done differently, and what it would have signed. */
interface Variant {
  mistake: RequestMistakeId;
  detail: string;
  data: Uint8Array | string;
  key?: Uint8Array | string;
}

/** An HMAC: `algorithm` keyed with `key` over `data`. Injectable, so that a test can count the calls. */
export type HmacFunction = (
  algorithm: "sha256" | "sha1",
  key: Uint8Array | string,
  data: Uint8Array | string,
) => Uint8Array;

const nodeHmac: HmacFunction = (algorithm, key, data) => createHmac(algorithm, key).update(data).digest();

/** Tries each variant (one HMAC each) and names those whose MAC is the one received. */
function matching(
  variants: Variant[],
  algorithm: "sha256" | "sha1",
  key: Uint8Array | string,
  mac: Uint8Array,
  hmac: HmacFunction = nodeHmac,
): RequestDiagnosis[] {
  const found: RequestDiagnosis[] = [];
  for (const v of variants) {
    if (found.some((f) => f.mistake === v.mistake)) continue;
    if (same(hmac(algorithm, v.key ?? key, v.data), mac)) found.push({ mistake: v.mistake, detail: v.detail });
  }
  return found;
}

/**
 * The most variants a diagnosis tries, one HMAC each: for an application-signed request
 * 8 re-serialisations, 7 content types, 1 query, 6 path prefixes, 7 timestamps, 1 MD5,
 * 1 secret, 4 path encodings, 2 query orders and 3 trailing newlines; for a webhook, 8
 * re-serialisations, 3 trailing newlines and 1 secret.
 */
export const MAX_DIAGNOSIS_VARIANTS = { application: 40, webhook: 12 } as const;

/** The path as other signers write it: decoded (Java, Node), escapes in the other case, `+` escaped, re-escaped. */
function pathEncodings(path: string): { path: string; how: string }[] {
  const decoded = decodedPath(path);
  const candidates: { path: string; how: string }[] = [];
  if (decoded !== null) {
    candidates.push({
      path: decoded,
      how: "with its percent-escapes decoded, as Sinch's Java SDK (URI.getPath()) and Node SDK (the unescaped path template) sign it",
    });
    candidates.push({
      path: path.replace(/%[0-9A-Fa-f]{2}/g, (e) => e.toUpperCase()),
      how: "with upper-case percent-escapes",
    });
    candidates.push({
      path: path.replace(/%[0-9A-Fa-f]{2}/g, (e) => e.toLowerCase()),
      how: "with lower-case percent-escapes",
    });
  }
  if (path.includes("+")) {
    candidates.push({ path: path.replace(/\+/g, "%2B"), how: "with '+' escaped as %2B" });
  }
  const escaped = escapePath(path);
  if (escaped !== path)
    candidates.push({ path: escaped, how: "escaped as a URL escapes it (as Sinch's .NET SDK signs PathAndQuery)" });
  const seen = new Set<string>([path]);
  return candidates.filter((c) => !seen.has(c.path) && seen.add(c.path) !== undefined).slice(0, 4);
}

/** The query's parameters sorted by name, ascending and descending (the two orders signers use). */
function queryOrders(query: string): { query: string; how: string }[] {
  const pairs = query.split("&");
  const name = (pair: string) => pair.split("=", 1)[0] as string;
  const ascending = [...pairs].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  const descending = [...pairs].sort((a, b) => (name(a) > name(b) ? -1 : name(a) < name(b) ? 1 : 0));
  const found: { query: string; how: string }[] = [];
  for (const [order, how] of [
    [ascending, "sorted by name"],
    [descending, "sorted by name in descending order"],
  ] as const) {
    const text = order.join("&");
    if (text !== query && !found.some((f) => f.query === text)) found.push({ query: text, how });
  }
  return found;
}

/** The body with a trailing newline added (LF, CRLF) or, when it ends with one, taken off. */
function newlineVariants(body: Uint8Array): { bytes: Uint8Array; how: string }[] {
  const bytes = Buffer.from(body);
  const found: { bytes: Uint8Array; how: string }[] = [];
  if (bytes.length > 0) {
    found.push({
      bytes: Buffer.concat([bytes, Buffer.from("\n")]),
      how: "the body with a trailing newline that was not sent (curl -d @file strips newlines; send it with --data-binary @file)",
    });
    found.push({
      bytes: Buffer.concat([bytes, Buffer.from("\r\n")]),
      how: "the body with a trailing CRLF that was not sent (curl -d @file strips line endings; send it with --data-binary @file)",
    });
  }
  const trailing = /\r?\n$/.exec(bytes.toString("latin1"));
  if (trailing) {
    found.push({
      bytes: bytes.subarray(0, bytes.length - trailing[0].length),
      how: "the body without the trailing newline that was sent (an editor or a heredoc added it after signing, or the signer trimmed it)",
    });
  }
  return found;
}

/** Content types a client library may have signed instead of the one sent. */
function contentTypeVariants(sent: string): string[] {
  const base = (sent.split(";")[0] ?? "").trim();
  const candidates = [
    base,
    `${base}; charset=utf-8`,
    `${base}; charset=UTF-8`,
    `${base};charset=utf-8`,
    "application/json",
    "application/json; charset=utf-8",
    "",
  ];
  return [...new Set(candidates)].filter((c) => c !== sent && !(c.startsWith(";") || c.startsWith(" ")));
}

/** The same instant as `sent`, written the ways SDKs write it. */
function timestampVariants(sent: string): string[] {
  const parts = parseIsoParts(sent);
  if (!parts || parts.offsetMinutes === null) return [];
  const iso = isoOrNull(Math.floor(parts.seconds) * 1000);
  if (iso === null) return [];
  const base = iso.slice(0, 19);
  const f = parts.fraction;
  const digits = (n: number) => (n === 0 ? "" : `.${f.padEnd(n, "0").slice(0, n)}`);
  const candidates = [
    `${base}Z`,
    `${base}${digits(3)}Z`,
    `${base}${digits(7)}Z`,
    `${base}${digits(6)}+00:00`,
    `${base}+00:00`,
    f ? `${base}.${f}Z` : `${base}Z`,
    f ? `${base}.${f}+00:00` : `${base}+00:00`,
  ];
  return [...new Set(candidates)].filter((c) => c !== sent);
}

/** The API base paths of Sinch's application-signed APIs. */
const BASE_PATHS = ["/verification", "/calling", "/voice"];

function pathVariants(path: string): { path: string; detail: string }[] {
  const segments = path.split("/").filter((s, i) => i > 0 || s !== "");
  const found: { path: string; detail: string }[] = [];
  for (let k = 1; k <= Math.min(3, segments.length - 1); k++) {
    const shorter = `/${segments.slice(k).join("/")}`;
    found.push({
      path: shorter,
      detail: `the signature covers the path ${shorter}, without its leading ${`/${segments.slice(0, k).join("/")}`}: sign the path the request is sent to (${path}), base path included`,
    });
  }
  for (const base of BASE_PATHS) {
    if (path.toLowerCase().startsWith(`${base}/`)) continue;
    found.push({
      path: `${base}${path}`,
      detail: `the signature covers ${base}${path}, with the API's base path ${base}, but the request went to ${path}: sign the path actually sent`,
    });
  }
  return found;
}

export interface ApplicationDiagnoseInput {
  parts: StringToSignParts;
  /** The path and query as sent; `parts.resource` is one of them. */
  path: string;
  query: string | null;
  body: Uint8Array;
  key: Uint8Array;
  /** The secret as text, to try it undecoded; null when only bytes are known. */
  secretText: string | null;
  /** The signature received. */
  mac: Uint8Array;
  /** The HMAC used to try each variant (default node:crypto's). */
  hmac?: HmacFunction;
}

/** What the signer of an application-signed request did differently, when a known variant matches. */
export function diagnoseApplication(input: ApplicationDiagnoseInput): RequestDiagnosis[] {
  const { parts, body, key, mac } = input;
  const variants: Variant[] = [];
  const sts = (changes: Partial<StringToSignParts>) => stringToSign({ ...parts, ...changes });
  const newlines = newlineVariants(body);
  for (const r of reserializations(body)) {
    if (newlines.some((n) => same(n.bytes, r.bytes))) continue;
    variants.push({
      mistake: "body-reserialized",
      detail: `the Content-MD5 that was signed is that of the body written ${r.label}, not of the bytes sent: take the MD5 over the exact bytes that go on the wire (serialise once, then sign and send that text)`,
      data: sts({ contentMd5: contentMd5(r.bytes) }),
    });
  }
  for (const type of contentTypeVariants(parts.contentType)) {
    variants.push({
      mistake: "content-type-differs",
      detail: `the signature covers Content-Type '${type}' but '${parts.contentType}' was sent (a client library adds or drops '; charset=utf-8'): sign the header value exactly as sent, or set it yourself so the library leaves it alone`,
      data: sts({ contentType: type }),
    });
  }
  if (input.query !== null) {
    const withQuery = `${input.path}?${input.query}`;
    if (parts.resource === input.path) {
      variants.push({
        mistake: "query-in-resource",
        detail: `the signature covers the path with its query (${withQuery}), as Sinch's .NET SDK signs it; the verifier signs the path alone: sign ${input.path} (or verify with the query as part of the resource)`,
        data: sts({ resource: withQuery }),
      });
    } else {
      variants.push({
        mistake: "query-dropped",
        detail: `the signature covers the path without its query (${input.path}), as Sinch's Java SDK signs it: sign ${withQuery} (or verify with the path alone as the resource)`,
        data: sts({ resource: input.path }),
      });
    }
  }
  for (const p of pathVariants(input.path)) {
    const resource = parts.resource === input.path ? p.path : `${p.path}?${input.query}`;
    variants.push({ mistake: "path-prefix", detail: p.detail, data: sts({ resource }) });
  }
  const withQuery = parts.resource !== input.path && input.query !== null;
  const resourceOf = (path: string, query: string | null) => (withQuery && query !== null ? `${path}?${query}` : path);
  for (const e of pathEncodings(input.path)) {
    variants.push({
      mistake: "path-encoding",
      detail: `the signature covers the path ${e.how} (${e.path}), but ${input.path} was sent: sign the path exactly as it goes on the wire, escapes included (or escape the path before signing, as the request is sent)`,
      data: sts({ resource: resourceOf(e.path, input.query) }),
    });
  }
  if (withQuery && input.query !== null) {
    for (const o of queryOrders(input.query)) {
      variants.push({
        mistake: "query-order",
        detail: `the signature covers the query ${o.how} (${o.query}), but it was sent as ${input.query}: sign the query in the order it is sent (build the URL once, then sign and send that text)`,
        data: sts({ resource: `${input.path}?${o.query}` }),
      });
    }
  }
  for (const n of newlines) {
    variants.push({
      mistake: "body-newline",
      detail: `the Content-MD5 that was signed is that of ${n.how}`,
      data: sts({ contentMd5: contentMd5(n.bytes) }),
    });
  }
  for (const ts of timestampVariants(parts.timestamp)) {
    variants.push({
      mistake: "timestamp-differs",
      detail: `the signature covers x-timestamp:${ts}, but the header sent is x-timestamp:${parts.timestamp} (the same time, written another way): send the timestamp exactly as signed`,
      data: sts({ timestamp: ts }),
    });
  }
  if (body.length > 0) {
    variants.push({
      mistake: "md5-empty",
      detail:
        "the signature covers an empty Content-MD5 line, but a body was sent: take the MD5 of the body (or sign the request after its body is set)",
      data: sts({ contentMd5: "" }),
    });
  } else {
    variants.push({
      mistake: "md5-of-empty-body",
      detail: `the signature covers the MD5 of an empty body (${EMPTY_BODY_MD5}), but a request without a body signs an empty Content-MD5 line`,
      data: sts({ contentMd5: EMPTY_BODY_MD5 }),
    });
  }
  if (input.secretText !== null) {
    variants.push({
      mistake: "secret-not-decoded",
      detail:
        "the HMAC key was the secret's text itself: base64-decode the application secret and use those bytes as the HMAC-SHA256 key",
      data: stringToSign(parts),
      key: Buffer.from(input.secretText, "utf8"),
    });
  }
  return matching(variants, "sha256", key, mac, input.hmac);
}

export interface WebhookDiagnoseInput {
  scheme: "webhook" | "numbers";
  body: Uint8Array;
  nonce: string;
  timestamp: string;
  secret: string;
  mac: Uint8Array;
  /** The HMAC used to try each variant (default node:crypto's). */
  hmac?: HmacFunction;
}

/** What the signer (or the checker) of a Conversation, SMS or Numbers webhook did differently. */
export function diagnoseWebhook(input: WebhookDiagnoseInput): RequestDiagnosis[] {
  const { scheme, body, secret, mac } = input;
  const data = (bytes: Uint8Array) =>
    scheme === "webhook" ? webhookSignedData(bytes, input.nonce, input.timestamp) : bytes;
  const newlines = newlineVariants(body);
  const variants: Variant[] = reserializations(body)
    .filter((r) => !newlines.some((n) => same(n.bytes, r.bytes)))
    .map((r) => ({
      mistake: "body-reserialized",
      detail: `the HMAC covers the body written ${r.label}, not the bytes received: compute it over the raw body (before any JSON parsing; a framework's parsed-and-stringified body is not the same text)`,
      data: data(r.bytes),
    }));
  for (const n of newlines) {
    variants.push({
      mistake: "body-newline",
      detail: `the HMAC covers ${n.how}`,
      data: data(n.bytes),
    });
  }
  const decoded = Buffer.from(secret, "base64");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(secret) && decoded.length > 0) {
    variants.push({
      mistake: "secret-not-decoded",
      detail:
        "the HMAC key was the webhook secret base64-decoded: Sinch uses the webhook secret as the text it is (its UTF-8 bytes), not decoded",
      data: data(body),
      key: decoded,
    });
  }
  return matching(variants, scheme === "webhook" ? "sha256" : "sha1", secret, mac, input.hmac);
}
