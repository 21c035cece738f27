import { isUtf8 } from "node:buffer";
import { decodeStandardBase64 } from "../base64.js";
import { MalformedTicketError } from "../errors.js";
import { type Damage, describeAmbiguity, type ReadInput, readInput } from "../read.js";
import { readPayload, type TicketContent } from "./payload.js";

/** HMAC-SHA256 digests are 32 bytes. */
export const SIGNATURE_BYTES = 32;

/**
 * Everything that can be read from a ticket without the secret, including what is wrong
 * with it. Never throws: `problems` lists format problems, most fundamental first.
 */
export interface TicketInspection {
  /** The ticket after harmless normalisation. */
  ticket: string;
  /** What the reader found in `ticket` that no ticket has (spaces, line breaks, escapes, invisible characters). */
  damage: readonly Damage[];
  notes: string[];
  /** Warnings about where the ticket was found (a raw '+' in a URL query). */
  inputWarnings: string[];
  ticketData: string | null;
  signature: string | null;
  /** The exact decoded bytes of the ticket data: what the signature covers. */
  dataBytes: Uint8Array | null;
  /** The ticket data as text (UTF-8; Latin-1 when the bytes are not valid UTF-8). */
  json: string | null;
  dataEncoding: "utf-8" | "latin1" | null;
  signatureBytes: Uint8Array | null;
  content: TicketContent | null;
  problems: string[];
  /** Set when the signature part is damaged (not base64, not 32 bytes), whatever the data. */
  signatureProblem: string | null;
  /** Set when the data is not UTF-8 (it was read as Latin-1 to show it). */
  encodingProblem: string | null;
  /** Set when a time in the ticket is outside the years 0001-9999 (the rest still reads). */
  timeProblem: string | null;
}

function decodeText(bytes: Buffer): { text: string; encoding: "utf-8" | "latin1" } {
  if (!isUtf8(bytes)) return { text: bytes.toString("latin1"), encoding: "latin1" };
  const text = bytes.toString("utf8");
  // As a UTF-8 decoder does, a leading byte-order mark is not part of the text.
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding: "utf-8" };
}

/** Reads `input` (see `readInput`) and inspects it as a user ticket. */
/** The offset of the first byte that does not start a valid UTF-8 sequence. */
function firstNonUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || (length > 1 && !isUtf8(bytes.subarray(i, i + length)))) return i;
    i += length;
  }
  return 0;
}

export function inspectTicket(input: string): TicketInspection {
  return inspectTicketInput(readInput(input));
}

/** Inspects a text already read as a user ticket: what its parts hold, and what is wrong. */
export function inspectTicketInput(input: ReadInput): TicketInspection {
  const { text: ticket, notes, standardAlphabet } = input;
  const result: TicketInspection = {
    ticket,
    damage: input.damage,
    notes,
    inputWarnings: input.warnings,
    ticketData: null,
    signature: null,
    dataBytes: null,
    json: null,
    dataEncoding: null,
    signatureBytes: null,
    content: null,
    problems: [],
    signatureProblem: null,
    encodingProblem: null,
    timeProblem: null,
  };
  if (input.kind === "none" || input.kind === "ambiguous") {
    result.problems.push(input.reason ?? `the text holds ${describeAmbiguity(input.found)}: one at a time`);
    return result;
  }
  const colon = ticket.indexOf(":");
  const separators = colon === -1 ? 0 : ticket.indexOf(":", colon + 1) === -1 ? 1 : ticket.split(":").length - 1;
  if (separators === 0) {
    result.problems.push(
      input.kind === "token"
        ? "this is a registration token (JWT), not a user ticket"
        : "no ':' separator between ticket data and signature",
    );
    return result;
  }
  if (separators > 1) {
    result.problems.push(`${separators} ':' separators; a ticket has exactly one, between data and signature`);
    return result;
  }
  const data = ticket.slice(0, colon);
  const signature = ticket.slice(colon + 1);
  result.ticketData = data;
  result.signature = signature;

  const dataDecoded = decodeStandardBase64(data, standardAlphabet);
  if ("problem" in dataDecoded) {
    result.problems.push(`ticket data (before ':') is not standard base64: it ${dataDecoded.problem}`);
  } else {
    const bytes = Buffer.from(dataDecoded.bytes.buffer, dataDecoded.bytes.byteOffset, dataDecoded.bytes.byteLength);
    const { text, encoding } = decodeText(bytes);
    result.dataBytes = bytes;
    result.json = text;
    result.dataEncoding = encoding;
    if (encoding === "latin1") {
      // What the signature covers is not what Sinch reads: it reads the data as UTF-8.
      const at = firstNonUtf8(bytes);
      result.encodingProblem = `ticket data is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, "0")} at offset ${at}): Sinch reads it as UTF-8 and would see another endpoint than the one signed. Encode the JSON as UTF-8 before base64`;
      result.problems.push(result.encodingProblem);
    }
    try {
      result.content = readPayload(text);
      if (result.content.timeProblem !== null) {
        result.timeProblem = result.content.timeProblem;
        result.problems.push(result.timeProblem);
      }
    } catch (error) {
      if (!(error instanceof MalformedTicketError)) throw error;
      result.problems.push(error.message);
    }
  }

  const signatureDecoded = decodeStandardBase64(signature, standardAlphabet);
  if ("problem" in signatureDecoded) {
    result.signatureProblem = `signature (after ':') is not standard base64: it ${signatureDecoded.problem}`;
    result.problems.push(result.signatureProblem);
  } else {
    const bytes = signatureDecoded.bytes;
    result.signatureBytes = bytes;
    if (bytes.length !== SIGNATURE_BYTES) {
      result.signatureProblem = `signature is ${bytes.length} bytes; an HMAC-SHA256 signature is ${SIGNATURE_BYTES}`;
      result.problems.push(result.signatureProblem);
    }
  }
  return result;
}
