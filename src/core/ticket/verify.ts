import type { Check, Diagnosis, Verdict, VerifyCode, VerifyTicketOptions } from "../checks.js";
import { macMatches, resultCode, timeChecks } from "../checks.js";
import { secretKey } from "../secret.js";
import { type DecodedTicket, decodedFromInspection } from "./decode.js";
import { diagnoseTicket } from "./diagnose.js";
import { inspectTicket, type TicketInspection } from "./inspect.js";

export interface VerifyResult {
  valid: boolean;
  code: VerifyCode;
  format: "ticket";
  checks: Check[];
  payload: Record<string, unknown> | null;
  notes: string[];
  warnings: string[];
  diagnosis: Diagnosis[];
  /** The decoded ticket when its data could be read (signature not implied). */
  decoded: DecodedTicket | null;
}

/**
 * Verifies a user ticket: format, application key, signature (HMAC-SHA256 over the exact
 * decoded bytes, compared in constant time), `created` and expiry with clock skew. The
 * verdict is on the ticket as given; damage is diagnosed, not repaired.
 */
export function verifyTicket(input: string, options: VerifyTicketOptions): VerifyResult {
  return ticketResult(inspectTicket(input), options);
}

/** The checks, the code and the diagnosis of a ticket already inspected. */
export function judgeTicket(inspection: TicketInspection, options: VerifyTicketOptions): Verdict {
  const key = secretKey(options.applicationSecret);
  const checks = ticketChecks(inspection, key, options, options.now ?? new Date());
  const code = resultCode(checks);
  const diagnosis =
    code === "valid"
      ? []
      : diagnoseTicket(inspection, {
          key,
          secretText: typeof options.applicationSecret === "string" ? options.applicationSecret : null,
          expectedKey: options.applicationKey ?? null,
          checks,
        });
  return { valid: code === "valid", code, checks, diagnosis };
}

/** `judgeTicket` with what the ticket says (payload, warnings), for verify's answer. */
export function ticketResult(inspection: TicketInspection, options: VerifyTicketOptions): VerifyResult {
  const decoded = decodedFromInspection(inspection, options.now ?? new Date());
  return {
    ...judgeTicket(inspection, options),
    format: "ticket",
    payload: inspection.content?.payload ?? null,
    notes: inspection.notes,
    warnings: decoded?.warnings ?? [],
    decoded,
  };
}

export function ticketChecks(
  inspection: TicketInspection,
  key: Uint8Array,
  options: VerifyTicketOptions,
  now: Date,
): Check[] {
  const { content, dataBytes, signatureBytes } = inspection;
  const format: Check =
    inspection.problems.length === 0
      ? { name: "format", ok: true, detail: "well-formed ticket" }
      : { name: "format", ok: false, detail: inspection.problems.join("; ") };

  let applicationKey: Check;
  if (!content)
    applicationKey = { name: "applicationKey", ok: null, detail: "skipped: the ticket data could not be read" };
  else if (options.applicationKey === undefined || options.applicationKey === null) {
    applicationKey = { name: "applicationKey", ok: null, detail: "skipped: no application key to compare with" };
  } else if (content.applicationKey === options.applicationKey) {
    applicationKey = { name: "applicationKey", ok: true, detail: `matches (field '${content.applicationKeyField}')` };
  } else {
    applicationKey = {
      name: "applicationKey",
      ok: false,
      detail: `the ticket is for application '${content.applicationKey}', not '${options.applicationKey}'`,
    };
  }

  let signature: Check;
  if (!dataBytes || !signatureBytes || signatureBytes.length !== 32) {
    signature = { name: "signature", ok: null, detail: "skipped: the ticket could not be read" };
  } else if (macMatches(key, dataBytes, signatureBytes)) {
    signature = { name: "signature", ok: true, detail: "HMAC-SHA256 matches" };
  } else {
    signature = {
      name: "signature",
      ok: false,
      detail: "HMAC-SHA256 does not match: signed with another secret, or the ticket was altered",
    };
  }

  // A time outside the years 0001-9999 is a format problem; the time checks skip it.
  const { created, expiry } = timeChecks({
    issuedAt: content && inspection.timeProblem === null ? content.createdAt : null,
    expiresAt: content && content.expiresIn !== null ? content.createdAt + content.expiresIn * 1000 : null,
    options,
    now,
    issuedName: "created",
    expiryName: "expiresIn",
  });
  return [format, applicationKey, signature, created, expiry];
}
