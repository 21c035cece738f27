import { createHmac } from "node:crypto";
import type { Check, Diagnosis, MistakeId } from "../checks.js";
import { equalBytes } from "../compare.js";
import { findJsonError } from "../json-error.js";
import type { Damage } from "../read.js";
import { nameInvisible, REPAIRS, type RepairId } from "../repair.js";
import { inspectTicket, SIGNATURE_BYTES, type TicketInspection } from "./inspect.js";

export interface DiagnoseContext {
  /** The decoded secret; null when there is none (decode): only damage is diagnosed then. */
  key: Uint8Array | null;
  /** The secret as text, when known: needed to test "secret used as text". */
  secretText: string | null;
  expectedKey: string | null;
  /** The checks verify ran; empty for decode, where only the format is known. */
  checks: readonly Check[];
}

function hmac(key: Uint8Array, data: Uint8Array | string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** True when `ticket` (a repaired form) is well-formed and its MAC matches `key`. */
function repairedVerifies(ticket: string, key: Uint8Array): boolean {
  const repaired = inspectTicket(ticket);
  return (
    repaired.problems.length === 0 &&
    repaired.dataBytes !== null &&
    repaired.signatureBytes !== null &&
    equalBytes(hmac(key, repaired.dataBytes), repaired.signatureBytes)
  );
}

/** A detector's finding: the words, and for undoable damage whether the repair verifies. */
export type Finding = Omit<Diagnosis, "mistake">;

/**
 * Damage undone by `repair` that explains the format failure: the repaired ticket is
 * well-formed. With a secret, says whether it verifies, in words that tell the two
 * stories apart.
 */
function repairedFinding(c: TicketCase, repair: RepairId, what: string, undone: string): Finding | null {
  if (!c.failed("format")) return null;
  const repaired = REPAIRS[repair](c.inspection.ticket);
  if (repaired === null || inspectTicket(repaired).problems.length > 0) return null;
  if (c.key === null) return { detail: what };
  const verifies = repairedVerifies(repaired, c.key);
  return {
    detail: verifies
      ? `${what}. With ${undone} the signature matches: the ticket was signed correctly and damaged on the way`
      : `${what}. Even with ${undone} the signature does not match: the ticket was also signed wrong (another secret, or altered)`,
    repairedVerifies: verifies,
  };
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

/** Ruby's String#strip drops NUL, \t \n \v \f \r and space from both ends; PHP's trim() the same but \f. */
const STRIPS: [string, Set<number>][] = [
  ["Ruby String#strip", new Set([0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20])],
  ["PHP trim()", new Set([0x00, 0x09, 0x0a, 0x0b, 0x0d, 0x20])],
];

function strip(bytes: Buffer, set: Set<number>): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && set.has(bytes[start] as number)) start++;
  while (end > start && set.has(bytes[end - 1] as number)) end--;
  return bytes.subarray(start, end);
}

/** A failed ticket and what is known about it, as each detector sees it. */
export interface TicketCase extends DiagnoseContext {
  inspection: TicketInspection;
  /** True when the check of that name ran and failed. */
  failed: (name: Check["name"]) => boolean;
}

/** 32 bytes of signature are 44 characters of base64. */
const SIGNATURE_CHARS = 44;

/** One detector: says why the ticket failed in this mistake's way, or null. */
export type TicketDetector = (c: TicketCase) => Finding | string | null;

type TicketMistake = Exclude<MistakeId, "kid-date" | "unsigned">;

/** The damage of one kind the reader found: counted here, never looked for again. */
function damageOf(c: TicketCase, kind: Damage["kind"]): Damage[] {
  return c.inspection.damage.filter((d) => d.kind === kind);
}

function plusAsSpace(c: TicketCase): Finding | null {
  const count = damageOf(c, "space").length;
  return repairedFinding(
    c,
    "plus-as-space",
    `the ticket has ${count} space${count > 1 ? "s" : ""} where '+' should be: it went through URL form decoding (application/x-www-form-urlencoded turns '+' into a space). Send it in a header or JSON body, or percent-encode it (encodeURIComponent) before putting it in a URL or form`,
    "the spaces turned back into '+'",
  );
}

function percentEncoded(c: TicketCase): Finding | null {
  return repairedFinding(
    c,
    "percent-encoded",
    "the ticket is still percent-encoded (%2B, %2F, %3D...): it was URL-encoded and never decoded. Decode it (decodeURIComponent) before sending it as 'Authorization: User <ticket>'",
    "the percent-encoding undone",
  );
}

function base64url({ inspection: { ticket, ticketData, signature }, failed, key }: TicketCase): string | null {
  const url = /[-_]/.test(ticket);
  const unpadded =
    (ticketData !== null && ticketData.length % 4 !== 0) || (signature !== null && signature.length % 4 !== 0);
  if (key === null || !failed("format") || !(url || unpadded)) return null;
  const toStandard = (part: string) => {
    const s = part.replaceAll("-", "+").replaceAll("_", "/");
    return s + "=".repeat((4 - (s.length % 4)) % 4);
  };
  const parts = ticket.split(":");
  if (parts.length !== 2 || !repairedVerifies(parts.map(toStandard).join(":"), key)) return null;
  return `the ticket is ${url ? "base64url ('-' and '_' instead of '+' and '/')" : "base64 without its '=' padding"}: Sinch reads standard base64 with padding. Encode with the standard alphabet (Buffer.toString('base64'), Convert.ToBase64String, base64.b64encode)`;
}

/** Breaks at a fixed width (64, 76) are an encoder's; anything else was pasted or typed. */
function lineWrapped(c: TicketCase): Finding | null {
  const { ticket } = c.inspection;
  const found = damageOf(c, "line-break");
  const lines = ticket.split(/\r\n|\r|\n/);
  const breaks = found.length;
  const width = (lines[0] ?? "").length;
  const encoder =
    breaks > 0 && (width === 64 || width === 76) && lines.slice(0, -1).every((l, i) => i === 0 || l.length === width);
  const at = (found[0]?.at ?? -1) + 1;
  const kind = found[0]?.length === 2 ? "CRLF" : "line break";
  return repairedFinding(
    c,
    "line-wrapped",
    encoder
      ? "the base64 is broken into lines (an old MIME encoder, such as Java's sun.misc.BASE64Encoder or Base64.encodeBase64Chunked): encode without line breaks (java.util.Base64.getEncoder(), NO_WRAP on Android)"
      : breaks === 1
        ? `the ticket has a ${kind} at position ${at}: it was pasted across two lines (a terminal, a mail client or an editor broke it); remove the line break`
        : `the ticket has ${breaks} line breaks, the first at position ${at}: it was pasted across lines (a mail client or an editor wrapped it); remove them`,
    breaks === 1 ? "the line break removed" : "the line breaks removed",
  );
}

function hexSignature({ inspection: { dataBytes, signature }, failed, key }: TicketCase): string | null {
  return key !== null &&
    failed("format") &&
    dataBytes !== null &&
    signature !== null &&
    /^[0-9a-fA-F]{64}$/.test(signature) &&
    equalBytes(hmac(key, dataBytes), Buffer.from(signature, "hex"))
    ? "the signature is the right HMAC written in hex (64 characters) instead of base64 (44 characters ending in '='): base64-encode the raw 32-byte digest"
    : null;
}

function strippedDigest({ inspection: { dataBytes, signatureBytes }, failed, key }: TicketCase): string | null {
  if (key === null || !failed("format") || dataBytes === null || signatureBytes === null) return null;
  if (signatureBytes.length >= SIGNATURE_BYTES || signatureBytes.length === 0) return null;
  const digest = hmac(key, dataBytes);
  const by = STRIPS.filter(([, set]) => equalBytes(strip(digest, set), signatureBytes)).map(([name]) => name);
  if (by.length === 0) return null;
  const which =
    by.length === 2
      ? "Ruby String#strip or PHP trim()"
      : `${by[0]} (not ${by[0] === "PHP trim()" ? "Ruby String#strip, which also drops \\f" : "PHP trim(), which keeps \\f"})`;
  return `the signature is the right digest with ${SIGNATURE_BYTES - signatureBytes.length} byte(s) cut from its ends: the raw digest went through a whitespace/NUL strip (${which}) before base64. Encode the digest as it is`;
}

/** JSON that stops mid-way: cut short, not wrong. */
function endsEarly(json: string): boolean {
  const error = findJsonError(json);
  if (error === null) return false;
  if (error.message === "unterminated string" || error.message.endsWith("the end of the text")) return true;
  // A literal or a number cut at the end: "tru", "fals", "12.".
  const rest = json.slice(error.offset);
  return (
    (rest !== "" && ["true", "false", "null"].some((word) => word.startsWith(rest) && rest !== word)) ||
    (error.message === "invalid number" && /^-?\d*\.?\d*(?:[eE][+-]?)?$/.test(rest))
  );
}

/** The JSON a cut base64 text still holds: the whole groups of 4 characters, decoded. */
function jsonOfCut(base64: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return null;
  const whole = base64.replace(/=+$/, "");
  const bytes = Buffer.from(whole.slice(0, whole.length - (whole.length % 4)), "base64");
  return bytes.length === 0 ? null : bytes.toString("utf8");
}

function truncated(c: TicketCase): string | null {
  if (!c.failed("format")) return null;
  const found = cutShort(c);
  const [ellipsis] = damageOf(c, "ellipsis");
  if (!ellipsis) return found;
  const named = `the ticket ends in an ellipsis ('${ellipsis.length === 1 ? "\u2026" : "..."}'), where a chat tool or log viewer cut it`;
  return found === null
    ? `${named} (${c.inspection.ticket.length} characters are there). Copy it whole`
    : `${named}: ${found}`;
}

/** The ticket ends early: its data's JSON stops mid-way, or its signature is short. */
function cutShort(c: TicketCase): string | null {
  const { ticket, ticketData, signature, dataBytes, signatureBytes } = c.inspection;
  const data = ticketData ?? (ticket.includes(":") ? null : ticket);
  const json = data === null ? null : (c.inspection.json ?? jsonOfCut(data));
  if (json !== null && c.inspection.content === null && endsEarly(json)) {
    return ticketData === null
      ? `the ticket ends inside its data (${ticket.length} characters, no ':' and no signature): its JSON stops mid-way. It was cut short: copy it whole`
      : `the ticket data ends mid-way through its JSON (${ticketData.length} characters of base64): it was cut short. Copy it whole`;
  }
  if (signature === null || signature.length >= SIGNATURE_CHARS - 1 || /[^A-Za-z0-9+/=]/.test(signature)) return null;
  // A strip before base64 also shortens it: that story is stripped-digest's.
  if (c.key !== null && dataBytes !== null && signatureBytes !== null && signatureBytes.length > 0) {
    const digest = hmac(c.key, dataBytes);
    if (STRIPS.some(([, set]) => equalBytes(strip(digest, set), signatureBytes))) return null;
  }
  return `the signature has ${signature.length} characters; an HMAC-SHA256 signature is ${SIGNATURE_CHARS} (32 bytes in base64): the ticket was cut short (a column, field or copy too short). Copy it whole`;
}

function invisibleCharacter(c: TicketCase): string | null {
  const found = c.failed("format") ? damageOf(c, "invisible") : [];
  const first = found[0];
  if (first === undefined) return null;
  const { ticket } = c.inspection;
  const at = first.at;
  const count = found.length;
  return `the ticket holds ${nameInvisible(ticket[at] as string)} at position ${at + 1}${count > 1 ? ` (and ${count - 1} more invisible character${count > 2 ? "s" : ""})` : ""}: a character that does not show, copied along from a web page, a chat or a document. Remove it`;
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
  if (!inputs || c.key === null) return null;
  const secretBytes = c.secretText === null ? null : Buffer.from(c.secretText, "utf8");
  return {
    overBase64: equalBytes(hmac(c.key, inputs.text), inputs.signature),
    asText: secretBytes !== null && equalBytes(hmac(secretBytes, inputs.data), inputs.signature),
    both: secretBytes !== null && equalBytes(hmac(secretBytes, inputs.text), inputs.signature),
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
  const inputs = c.key === null ? null : macInputs(c);
  const { dataEncoding, content, json } = c.inspection;
  if (!inputs || !(dataEncoding === "latin1" || (content !== null && /[\u0080-\uffff]/.test(json ?? "")))) return null;
  const asLatin1Text = Buffer.from(inputs.data).toString("latin1");
  return equalBytes(hmac(c.key as Uint8Array, Buffer.from(asLatin1Text, "utf8")), inputs.signature)
    ? "the ticket data is Latin-1 while the signature covers the UTF-8 JSON: Sinch's JS SDK generator (sinch-ticketgen) does this for endpoints with non-ASCII characters. Sign on the server with UTF-8 on both sides (sinch-ticket sign --style js writes it correctly)"
    : null;
}

function nonUtf8Mac(c: TicketCase): string | null {
  const { dataBytes, signatureBytes, dataEncoding, json } = c.inspection;
  const { key } = c;
  if (key === null || !c.failed("signature") || dataBytes === null || signatureBytes === null) return null;
  if (dataEncoding !== "utf-8") return null;
  if (json === null || !/[\u0080-\uffff]/.test(json)) return null;
  const charset = CHARSETS.find(([, byteOf]) => equalBytes(hmac(key, encodeAs(json, byteOf)), signatureBytes))?.[0];
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
  truncated,
  "invisible-character": invisibleCharacter,
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
  // Without checks (decode), only the format is known: from the problems found.
  const failed = (name: Check["name"]) =>
    ctx.checks.length === 0
      ? name === "format" && inspection.problems.length > 0
      : ctx.checks.some((c) => c.name === name && c.ok === false);
  const c: TicketCase = { ...ctx, inspection, failed };
  const found: Diagnosis[] = [];
  for (const [mistake, detect] of Object.entries(TICKET_DETECTORS) as [TicketMistake, TicketDetector][]) {
    const finding = detect(c);
    if (finding !== null) found.push({ mistake, ...(typeof finding === "string" ? { detail: finding } : finding) });
  }
  return found;
}
