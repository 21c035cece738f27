/**
 * The road from pasted text to verdict, after `readInput`: `examine` reads the parts of
 * the ticket or token once; `describe` says what they hold (decode); `judge` checks them
 * against credentials (verify) and names the mistakes that explain a failure. `decode`,
 * `verify`, each line of `verify --batch` and the inspect page all go this way.
 */
import type { Verdict, VerifyTicketOptions } from "./checks.js";
import type { ReadInput } from "./read.js";
import { type DecodedTicket, decodeInspected } from "./ticket/decode.js";
import { inspectTicketInput, type TicketInspection } from "./ticket/inspect.js";
import { judgeTicket, ticketResult, type VerifyResult } from "./ticket/verify.js";
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

/** What decode says: what could be read, and the first problem when the input is malformed. */
export interface Description {
  decoded: DecodedTicket | DecodedRegistrationToken | null;
  error: string | null;
}

export function describe(examined: Examined, now: Date): Description {
  return examined.format === "jwt"
    ? decodeTokenInspected(examined.inspection, now)
    : decodeInspected(examined.inspection, now);
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
