import { createHmac } from "node:crypto";
import type { Check, Diagnosis, MistakeId } from "../checks.js";
import { inspectTicket, SIGNATURE_BYTES, type TicketInspection } from "./inspect.js";

export interface DiagnoseContext {
  /** The decoded secret. */
  key: Uint8Array;
  /** The secret as text, when known: needed to test "secret used as text". */
  secretText: string | null;
  expectedKey: string | null;
  checks: readonly Check[];
}

function hmac(key: Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

/** True when `ticket` (a repaired form) is well-formed and its MAC matches `key`. */
function repairedVerifies(ticket: string, key: Uint8Array): boolean {
  const repaired = inspectTicket(ticket);
  return (
    repaired.problems.length === 0 &&
    repaired.dataBytes !== null &&
    repaired.signatureBytes !== null &&
    same(hmac(key, repaired.dataBytes), repaired.signatureBytes)
  );
}

/** Where Windows-1252 differs from ISO-8859-1: its characters at bytes 0x80 to 0x9F. */
const WINDOWS_1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";
const WINDOWS_1252 = new Map(Array.from(WINDOWS_1252_HIGH, (char, i) => [char, 0x80 + i]));

/**
 * The JSON re-encoded the way platforms with a non-UTF-8 default charset do it, a `?` for
 * each character the charset lacks: Java's `getBytes()` under Windows-1252 or ISO-8859-1,
 * .NET's `Encoding.ASCII`, PHP's `utf8_decode`.
 */
const CHARSETS: [string, (char: string) => number | undefined][] = [
  [
    "Windows-1252",
    (char) => {
      const code = char.codePointAt(0) as number;
      return WINDOWS_1252.get(char) ?? (code <= 0xff && (code < 0x80 || code > 0x9f) ? code : undefined);
    },
  ],
  ["ISO-8859-1", (char) => ((char.codePointAt(0) as number) <= 0xff ? char.codePointAt(0) : undefined)],
  ["ASCII", (char) => ((char.codePointAt(0) as number) < 0x80 ? char.codePointAt(0) : undefined)],
];

function encodeAs(text: string, byteOf: (char: string) => number | undefined): Buffer {
  return Buffer.from(Array.from(text, (char) => byteOf(char) ?? 0x3f));
}

const RUBY_STRIPPED = new Set([0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]);

function rubyStrip(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && RUBY_STRIPPED.has(bytes[start] as number)) start++;
  while (end > start && RUBY_STRIPPED.has(bytes[end - 1] as number)) end--;
  return bytes.subarray(start, end);
}

/** A failed ticket and what is known about it, as each detector sees it. */
export interface TicketCase extends DiagnoseContext {
  inspection: TicketInspection;
  /** True when the check of that name ran and failed. */
  failed: (name: Check["name"]) => boolean;
}

/** One detector: says why the ticket failed in this mistake's way, or null. */
export type TicketDetector = (c: TicketCase) => string | null;

type TicketMistake = Exclude<MistakeId, "kid-date">;

function plusAsSpace({ inspection: { ticket }, failed, key }: TicketCase): string | null {
  if (!failed("format") || !ticket.includes(" ") || !repairedVerifies(ticket.replaceAll(" ", "+"), key)) return null;
  const count = ticket.split(" ").length - 1;
  return `the ticket has ${count} space${count > 1 ? "s" : ""} where '+' should be: it went through URL form decoding (application/x-www-form-urlencoded turns '+' into a space). Send it in a header or JSON body, or percent-encode it (encodeURIComponent) before putting it in a URL or form`;
}

function percentEncoded({ inspection: { ticket }, failed, key }: TicketCase): string | null {
  if (!failed("format") || !/%[0-9A-Fa-f]{2}/.test(ticket)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(ticket);
  } catch {
    return null;
  }
  return decoded !== ticket && repairedVerifies(decoded, key)
    ? "the ticket is still percent-encoded (%2B, %2F, %3D...): it was URL-encoded and never decoded. Decode it (decodeURIComponent) before sending it as 'Authorization: User <ticket>'"
    : null;
}

function base64url({ inspection: { ticket, ticketData, signature }, failed, key }: TicketCase): string | null {
  const url = /[-_]/.test(ticket);
  const unpadded =
    (ticketData !== null && ticketData.length % 4 !== 0) || (signature !== null && signature.length % 4 !== 0);
  if (!failed("format") || !(url || unpadded)) return null;
  const toStandard = (part: string) => {
    const s = part.replaceAll("-", "+").replaceAll("_", "/");
    return s + "=".repeat((4 - (s.length % 4)) % 4);
  };
  const parts = ticket.split(":");
  if (parts.length !== 2 || !repairedVerifies(parts.map(toStandard).join(":"), key)) return null;
  return `the ticket is ${url ? "base64url ('-' and '_' instead of '+' and '/')" : "base64 without its '=' padding"}: Sinch reads standard base64 with padding. Encode with the standard alphabet (Buffer.toString('base64'), Convert.ToBase64String, base64.b64encode)`;
}

function lineWrapped({ inspection: { ticket }, failed, key }: TicketCase): string | null {
  return failed("format") && /[\r\n]/.test(ticket) && repairedVerifies(ticket.replace(/[\r\n]+/g, ""), key)
    ? "the base64 is broken into lines (an old MIME encoder, such as Java's sun.misc.BASE64Encoder or Base64.encodeBase64Chunked): encode without line breaks (java.util.Base64.getEncoder(), NO_WRAP on Android)"
    : null;
}

function hexSignature({ inspection: { dataBytes, signature }, failed, key }: TicketCase): string | null {
  return failed("format") &&
    dataBytes !== null &&
    signature !== null &&
    /^[0-9a-fA-F]{64}$/.test(signature) &&
    same(hmac(key, dataBytes), Buffer.from(signature, "hex"))
    ? "the signature is the right HMAC written in hex (64 characters) instead of base64 (44 characters ending in '='): base64-encode the raw 32-byte digest"
    : null;
}

function strippedDigest({ inspection: { dataBytes, signatureBytes }, failed, key }: TicketCase): string | null {
  if (!failed("format") || dataBytes === null || signatureBytes === null) return null;
  if (signatureBytes.length >= SIGNATURE_BYTES || signatureBytes.length === 0) return null;
  if (!same(rubyStrip(hmac(key, dataBytes)), signatureBytes)) return null;
  return `the signature is the right digest with ${SIGNATURE_BYTES - signatureBytes.length} byte(s) cut from its ends: the raw digest went through a whitespace/NUL strip (Ruby String#strip, trim()) before base64. Encode the digest as it is`;
}

/** The signature check failed on a ticket whose parts could be read: the MAC's inputs were wrong. */
function macInputs(c: TicketCase): { data: Uint8Array; text: string; signature: Uint8Array } | null {
  const { dataBytes, signatureBytes, ticketData } = c.inspection;
  if (!c.failed("signature") || dataBytes === null || signatureBytes === null || ticketData === null) return null;
  return { data: dataBytes, text: ticketData, signature: signatureBytes };
}

/** Whether the MAC was over the base64 text, and whether with the secret used as text. */
function wrongMacInputs(c: TicketCase): { overBase64: boolean; asText: boolean; both: boolean } | null {
  const inputs = macInputs(c);
  if (!inputs) return null;
  const secretBytes = c.secretText === null ? null : Buffer.from(c.secretText, "utf8");
  return {
    overBase64: same(hmac(c.key, inputs.text), inputs.signature),
    asText: secretBytes !== null && same(hmac(secretBytes, inputs.data), inputs.signature),
    both: secretBytes !== null && same(hmac(secretBytes, inputs.text), inputs.signature),
  };
}

function macOverBase64(c: TicketCase): string | null {
  const wrong = wrongMacInputs(c);
  if (!wrong || !(wrong.overBase64 || wrong.both)) return null;
  return `the signature was computed over the base64 text of the ticket data instead of the JSON bytes${wrong.both ? " (and with the secret as text, see below)" : ""}: sign the UTF-8 JSON, then base64 it`;
}

function secretNotDecoded(c: TicketCase): string | null {
  const wrong = wrongMacInputs(c);
  if (!wrong || !(wrong.asText || wrong.both)) return null;
  return `the signature was made with the application secret used as text (its UTF-8 bytes) instead of base64-decoding it first${wrong.both ? " (and over the base64 text, see above)" : ""}: use Convert.FromBase64String(secret) / Buffer.from(secret, 'base64') as the HMAC key`;
}

function latin1Data(c: TicketCase): string | null {
  const inputs = macInputs(c);
  const { dataEncoding, content, json } = c.inspection;
  if (!inputs || !(dataEncoding === "latin1" || (content !== null && /[\u0080-\uffff]/.test(json ?? "")))) return null;
  const asLatin1Text = Buffer.from(inputs.data).toString("latin1");
  return same(hmac(c.key, Buffer.from(asLatin1Text, "utf8")), inputs.signature)
    ? "the ticket data is Latin-1 while the signature covers the UTF-8 JSON: Sinch's JS SDK generator (sinch-ticketgen) does this for endpoints with non-ASCII characters. Sign on the server with UTF-8 on both sides (sinch-ticket sign --style js writes it correctly)"
    : null;
}

function nonUtf8Mac(c: TicketCase): string | null {
  const { dataBytes, signatureBytes, dataEncoding, json } = c.inspection;
  if (!c.failed("signature") || dataBytes === null || signatureBytes === null || dataEncoding !== "utf-8") return null;
  if (json === null || !/[\u0080-\uffff]/.test(json)) return null;
  const charset = CHARSETS.find(([, byteOf]) => same(hmac(c.key, encodeAs(json, byteOf)), signatureBytes))?.[0];
  return charset
    ? `the ticket data is UTF-8, but the signature covers the JSON in ${charset}${charset === "ASCII" ? " (a '?' for every non-ASCII character)" : ""}: the producer turned the JSON into bytes with a platform default charset (Java String.getBytes() without a charset, .NET Encoding.Default or Encoding.ASCII, PHP utf8_decode). Sign the UTF-8 bytes: getBytes(StandardCharsets.UTF_8), Encoding.UTF8`
    : null;
}

function wrongApplication({ inspection: { content }, failed, checks, expectedKey }: TicketCase): string | null {
  if (!failed("applicationKey") || content === null || expectedKey === null) return null;
  const signedWithYours = checks.find((c) => c.name === "signature")?.ok === true;
  return signedWithYours
    ? `the ticket names application '${content.applicationKey}' but is signed with your secret: the producer's application key setting is wrong (it should be '${expectedKey}')`
    : `the ticket was made for another application ('${content.applicationKey}', not '${expectedKey}'), with that application's secret: verify it with that application's credentials (--profile), or have it signed with yours`;
}

/**
 * The detectors, by mistake id, in the order their findings are reported: damage done to
 * the text on its way first (repaired, then verified for real), then wrong inputs to the
 * signature (recomputed the mistaken way), then the wrong application.
 */
export const TICKET_DETECTORS: { readonly [M in TicketMistake]: TicketDetector } = {
  "plus-as-space": plusAsSpace,
  "percent-encoded": percentEncoded,
  base64url,
  "line-wrapped": lineWrapped,
  "hex-signature": hexSignature,
  "stripped-digest": strippedDigest,
  "mac-over-base64": macOverBase64,
  "secret-not-decoded": secretNotDecoded,
  "latin1-data": latin1Data,
  "non-utf8-mac": nonUtf8Mac,
  "wrong-application": wrongApplication,
};

/**
 * Finds the known mistakes that explain why a ticket failed. Every candidate is tested by
 * recomputing the signature the mistaken way (or repairing the damage and verifying);
 * nothing is guessed from the ticket's shape alone. Returns an empty list when nothing
 * explains the failure.
 */
export function diagnoseTicket(inspection: TicketInspection, ctx: DiagnoseContext): Diagnosis[] {
  const failed = (name: Check["name"]) => ctx.checks.some((c) => c.name === name && c.ok === false);
  const c: TicketCase = { ...ctx, inspection, failed };
  const found: Diagnosis[] = [];
  for (const [mistake, detect] of Object.entries(TICKET_DETECTORS) as [TicketMistake, TicketDetector][]) {
    const detail = detect(c);
    if (detail !== null) found.push({ mistake, detail });
  }
  return found;
}
