import { createHmac } from "node:crypto";
import type { Check, Diagnosis } from "../checks.js";
import { inspectTicket, SIGNATURE_BYTES, type TicketInspection } from "./inspect.js";

/** The mistake ids of the command-line contract. */
export type MistakeId =
  | "mac-over-base64"
  | "secret-not-decoded"
  | "plus-as-space"
  | "percent-encoded"
  | "base64url"
  | "hex-signature"
  | "line-wrapped"
  | "stripped-digest"
  | "latin1-data"
  | "non-utf8-mac"
  | "wrong-application"
  | "kid-date";

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

/**
 * Finds the known mistakes that explain why a ticket failed. Every candidate is tested by
 * recomputing the signature the mistaken way (or repairing the damage and verifying);
 * nothing is guessed from the ticket's shape alone. Returns an empty list when nothing
 * explains the failure.
 */
export function diagnoseTicket(inspection: TicketInspection, ctx: DiagnoseContext): Diagnosis[] {
  const found: Diagnosis[] = [];
  const add = (mistake: MistakeId, detail: string) => found.push({ mistake, detail });
  const { ticket, ticketData, signature, dataBytes, signatureBytes, content } = inspection;
  const failed = (name: string) => ctx.checks.some((c) => c.name === name && c.ok === false);
  const sigOk = ctx.checks.find((c) => c.name === "signature")?.ok === true;

  // Damage done to the text on its way: repair it, then verify for real.
  if (failed("format")) {
    if (ticket.includes(" ") && repairedVerifies(ticket.replaceAll(" ", "+"), ctx.key)) {
      const count = ticket.split(" ").length - 1;
      add(
        "plus-as-space",
        `the ticket has ${count} space${count > 1 ? "s" : ""} where '+' should be: it went through URL form decoding (application/x-www-form-urlencoded turns '+' into a space). Send it in a header or JSON body, or percent-encode it (encodeURIComponent) before putting it in a URL or form`,
      );
    }
    if (/%[0-9A-Fa-f]{2}/.test(ticket)) {
      let decoded: string | null = null;
      try {
        decoded = decodeURIComponent(ticket);
      } catch {
        decoded = null;
      }
      if (decoded !== null && decoded !== ticket && repairedVerifies(decoded, ctx.key)) {
        add(
          "percent-encoded",
          "the ticket is still percent-encoded (%2B, %2F, %3D...): it was URL-encoded and never decoded. Decode it (decodeURIComponent) before sending it as 'Authorization: User <ticket>'",
        );
      }
    }
    if (
      /[-_]/.test(ticket) ||
      (ticketData !== null && ticketData.length % 4 !== 0) ||
      (signature !== null && signature.length % 4 !== 0)
    ) {
      const toStandard = (part: string) => {
        const s = part.replaceAll("-", "+").replaceAll("_", "/");
        return s + "=".repeat((4 - (s.length % 4)) % 4);
      };
      const parts = ticket.split(":");
      if (parts.length === 2 && repairedVerifies(parts.map(toStandard).join(":"), ctx.key)) {
        const url = /[-_]/.test(ticket);
        add(
          "base64url",
          `the ticket is ${url ? "base64url ('-' and '_' instead of '+' and '/')" : "base64 without its '=' padding"}: Sinch reads standard base64 with padding. Encode with the standard alphabet (Buffer.toString('base64'), Convert.ToBase64String, base64.b64encode)`,
        );
      }
    }
    if (/[\r\n]/.test(ticket) && repairedVerifies(ticket.replace(/[\r\n]+/g, ""), ctx.key)) {
      add(
        "line-wrapped",
        "the base64 is broken into lines (an old MIME encoder, such as Java's sun.misc.BASE64Encoder or Base64.encodeBase64Chunked): encode without line breaks (java.util.Base64.getEncoder(), NO_WRAP on Android)",
      );
    }
    if (dataBytes !== null && signature !== null && /^[0-9a-fA-F]{64}$/.test(signature)) {
      if (same(hmac(ctx.key, dataBytes), Buffer.from(signature, "hex"))) {
        add(
          "hex-signature",
          "the signature is the right HMAC written in hex (64 characters) instead of base64 (44 characters ending in '='): base64-encode the raw 32-byte digest",
        );
      }
    }
    if (
      dataBytes !== null &&
      signatureBytes !== null &&
      signatureBytes.length < SIGNATURE_BYTES &&
      signatureBytes.length > 0
    ) {
      const expected = hmac(ctx.key, dataBytes);
      if (same(rubyStrip(expected), signatureBytes)) {
        add(
          "stripped-digest",
          `the signature is the right digest with ${SIGNATURE_BYTES - signatureBytes.length} byte(s) cut from its ends: the raw digest went through a whitespace/NUL strip (Ruby String#strip, trim()) before base64. Encode the digest as it is`,
        );
      }
    }
  }

  // Wrong inputs to the signature: recompute it the mistaken way.
  if (failed("signature") && dataBytes !== null && signatureBytes !== null && ticketData !== null) {
    const secretBytes = ctx.secretText === null ? null : Buffer.from(ctx.secretText, "utf8");
    const overBase64 = same(hmac(ctx.key, ticketData), signatureBytes);
    const asText = secretBytes !== null && same(hmac(secretBytes, dataBytes), signatureBytes);
    const both = secretBytes !== null && same(hmac(secretBytes, ticketData), signatureBytes);
    if (overBase64 || both) {
      add(
        "mac-over-base64",
        `the signature was computed over the base64 text of the ticket data instead of the JSON bytes${both ? " (and with the secret as text, see below)" : ""}: sign the UTF-8 JSON, then base64 it`,
      );
    }
    if (asText || both) {
      add(
        "secret-not-decoded",
        `the signature was made with the application secret used as text (its UTF-8 bytes) instead of base64-decoding it first${both ? " (and over the base64 text, see above)" : ""}: use Convert.FromBase64String(secret) / Buffer.from(secret, 'base64') as the HMAC key`,
      );
    }
    if (inspection.dataEncoding === "latin1" || (content !== null && /[\u0080-\uffff]/.test(inspection.json ?? ""))) {
      const asLatin1Text = Buffer.from(dataBytes).toString("latin1");
      if (same(hmac(ctx.key, Buffer.from(asLatin1Text, "utf8")), signatureBytes)) {
        add(
          "latin1-data",
          "the ticket data is Latin-1 while the signature covers the UTF-8 JSON: Sinch's JS SDK generator (sinch-ticketgen) does this for endpoints with non-ASCII characters. Sign on the server with UTF-8 on both sides (sinch-ticket sign --style js writes it correctly)",
        );
      }
    }
  }

  if (
    failed("signature") &&
    dataBytes !== null &&
    signatureBytes !== null &&
    inspection.dataEncoding === "utf-8" &&
    /[\u0080-\uffff]/.test(inspection.json ?? "")
  ) {
    const json = inspection.json as string;
    const charset = CHARSETS.find(([, byteOf]) => same(hmac(ctx.key, encodeAs(json, byteOf)), signatureBytes))?.[0];
    if (charset) {
      add(
        "non-utf8-mac",
        `the ticket data is UTF-8, but the signature covers the JSON in ${charset}${charset === "ASCII" ? " (a '?' for every non-ASCII character)" : ""}: the producer turned the JSON into bytes with a platform default charset (Java String.getBytes() without a charset, .NET Encoding.Default or Encoding.ASCII, PHP utf8_decode). Sign the UTF-8 bytes: getBytes(StandardCharsets.UTF_8), Encoding.UTF8`,
      );
    }
  }

  if (failed("applicationKey") && content !== null && ctx.expectedKey !== null) {
    add(
      "wrong-application",
      sigOk
        ? `the ticket names application '${content.applicationKey}' but is signed with your secret: the producer's application key setting is wrong (it should be '${ctx.expectedKey}')`
        : `the ticket was made for another application ('${content.applicationKey}', not '${ctx.expectedKey}'), with that application's secret: verify it with that application's credentials (--profile), or have it signed with yours`,
    );
  }
  return found;
}
