/**
 * The road from pasted text to verdict, after `readInput`: `examine` reads the parts of
 * the ticket or token once; `describe` says what they hold (decode); `judge` checks them
 * against credentials (verify) and names the mistakes that explain a failure. `decode`,
 * `verify`, each line of `verify --batch` and the inspect page all go this way.
 */
import type { Diagnosis, Verdict, VerifyTicketOptions } from "./checks.js";
import type { ReadInput } from "./read.js";
import { REPAIRS, type RepairId } from "./repair.js";
import { type DecodedTicket, decodeInspected } from "./ticket/decode.js";
import { diagnoseTicket } from "./ticket/diagnose.js";
import { inspectTicket, inspectTicketInput, type TicketInspection } from "./ticket/inspect.js";
import { judgeTicket, ticketResult, type VerifyResult } from "./ticket/verify.js";
import { diagnoseToken } from "./token/diagnose.js";
import {
  type DecodedRegistrationToken,
  decodeTokenInspected,
  inspectTokenInput,
  type TokenInspection,
} from "./token/format.js";
import { judgeToken, type TokenVerifyResult, tokenResult } from "./token/verify.js";

/** A read input with its parts inspected: a user ticket (also for nothing found) or a token. */
export type Examined =
  | { format: "ticket"; input: ReadInput; inspection: TicketInspection; applicationKey: string | null }
  | { format: "jwt"; input: ReadInput; inspection: TokenInspection; applicationKey: string | null };

/** Inspects what `readInput` found, as the kind it was read as; no secret needed. */
export function examine(input: ReadInput): Examined {
  if (input.kind === "token") {
    const inspection = inspectTokenInput(input);
    return { format: "jwt", input, inspection, applicationKey: inspection.applicationKey };
  }
  const inspection = inspectTicketInput(input);
  return { format: "ticket", input, inspection, applicationKey: inspection.content?.applicationKey ?? null };
}

/**
 * What decode says: what could be read, and when the input is malformed, the first problem
 * and the damage that explains it (no secret: damage only, never a verdict).
 */
export interface Description {
  decoded: DecodedTicket | DecodedRegistrationToken | null;
  error: string | null;
  diagnosis: Diagnosis[];
}

const NO_SECRET = { key: null, secretText: null, expectedKey: null, checks: [] };

export function describe(examined: Examined, now: Date): Description {
  if (examined.format === "jwt") {
    const { decoded, error } = decodeTokenInspected(examined.inspection, now);
    const diagnosis =
      error === null ? [] : diagnoseToken(examined.inspection, { ...NO_SECRET, signingInput: "", iatDate: null });
    return { decoded, error, diagnosis };
  }
  const { decoded, error } = decodeInspected(examined.inspection, now);
  if (error === null) return { decoded, error, diagnosis: [] };
  const diagnosis = diagnoseTicket(examined.inspection, NO_SECRET);
  return { decoded: decoded ?? readRepaired(examined.inspection, diagnosis, now), error, diagnosis };
}

/**
 * A ticket intact apart from damage that can be undone: what it says once undone, with a
 * warning that says so first. The verdict stays on the ticket as given.
 */
function readRepaired(inspection: TicketInspection, diagnosis: Diagnosis[], now: Date): DecodedTicket | null {
  for (const { mistake } of diagnosis) {
    if (!(mistake in REPAIRS)) continue;
    const repaired = REPAIRS[mistake as RepairId](inspection.ticket);
    if (repaired === null) continue;
    const { decoded, error } = decodeInspected(inspectTicket(repaired), now);
    if (decoded === null || error !== null) continue;
    return {
      ...decoded,
      ticket: inspection.ticket,
      notes: inspection.notes,
      warnings: [
        `the ticket as given is damaged (${mistake}): shown as it reads with that damage undone`,
        ...inspection.inputWarnings,
        ...decoded.warnings,
      ],
    };
  }
  return null;
}

/** The verdict alone (checks, code, diagnosis): what a batch line needs. */
export function verdict(examined: Examined, options: VerifyTicketOptions): Verdict {
  return examined.format === "jwt"
    ? judgeToken(examined.inspection, options)
    : judgeTicket(examined.inspection, options);
}

/** The verdict with what the ticket or token says: verify's whole answer. */
export function judge(examined: Examined, options: VerifyTicketOptions): VerifyResult | TokenVerifyResult {
  return examined.format === "jwt"
    ? tokenResult(examined.inspection, options)
    : ticketResult(examined.inspection, options);
}
