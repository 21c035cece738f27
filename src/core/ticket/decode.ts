import { MalformedTicketError } from "../errors.js";
import { isoOrNull } from "../time.js";
import { inspectTicket, type TicketInspection } from "./inspect.js";
import { type DetectedStyle, detectStyle } from "./layout.js";
import { ticketWarnings } from "./warnings.js";

/** A ticket as read by `decodeTicket`. Nothing in it has been checked against a secret. */
export interface DecodedTicket {
  format: "ticket";
  ticket: string;
  ticketData: string;
  signature: string;
  /** The exact decoded JSON text. */
  json: string;
  payload: Record<string, unknown>;
  applicationKey: string;
  applicationKeyField: string;
  identity: { type: string; endpoint: string };
  created: string;
  /** `created` in milliseconds since the epoch. */
  createdAt: number;
  expiresIn: number | null;
  expiresAt: string | null;
  style: DetectedStyle;
  signatureLength: number;
  notes: string[];
  warnings: string[];
}

export function decodedFromInspection(inspection: TicketInspection, now: Date): DecodedTicket | null {
  const { content, json } = inspection;
  if (!content || json === null) return null;
  return {
    format: "ticket",
    ticket: inspection.ticket,
    ticketData: inspection.ticketData ?? "",
    signature: inspection.signature ?? "",
    json,
    payload: content.payload,
    applicationKey: content.applicationKey,
    applicationKeyField: content.applicationKeyField,
    identity: content.identity,
    created: content.created,
    createdAt: content.createdAt,
    expiresIn: content.expiresIn,
    expiresAt: content.expiresIn === null ? null : isoOrNull(content.createdAt + content.expiresIn * 1000),
    style: detectStyle(json, content),
    signatureLength: inspection.signatureBytes?.length ?? 0,
    notes: inspection.notes,
    warnings: [...inspection.inputWarnings, ...ticketWarnings(inspection, content, now)],
  };
}

/**
 * What decode makes of an inspected ticket: what it reads (`decoded`) and, when it is
 * malformed, the first problem (`error`). When only the signature is damaged, `decoded`
 * still holds what the data says, its first warning naming the damage.
 */
export function decodeInspected(
  inspection: TicketInspection,
  now: Date,
): { decoded: DecodedTicket | null; error: string | null } {
  const decoded = decodedFromInspection(inspection, now);
  if (inspection.problems.length === 0 && decoded) return { decoded, error: null };
  const error = inspection.problems[0] ?? "the ticket cannot be read";
  // Only the signature is damaged, the data is not UTF-8, or a time is out of range: what
  // the data says is still worth showing, with the damage named first.
  const readable = [inspection.encodingProblem, inspection.signatureProblem, inspection.timeProblem].filter(
    (p) => p !== null,
  );
  if (decoded && inspection.problems.every((p) => readable.includes(p))) {
    const damage = [
      ...(inspection.signatureProblem ? [`the signature is damaged: ${inspection.signatureProblem}`] : []),
      ...decoded.warnings,
    ];
    return { decoded: { ...decoded, warnings: damage }, error };
  }
  return { decoded: null, error };
}

/**
 * Reads a user ticket **without checking its signature**: use `verifyTicket` for that.
 * Accepts the wrapping `readInput` removes. Throws `MalformedTicketError` with the exact
 * problem when the ticket cannot be read.
 */
export function decodeTicket(input: string, options: { now?: Date } = {}): DecodedTicket {
  const { decoded, error } = decodeInspected(inspectTicket(input), options.now ?? new Date());
  if (error !== null || !decoded) {
    throw new MalformedTicketError(error ?? "the ticket cannot be read", decoded ? { decoded } : {});
  }
  return decoded;
}
