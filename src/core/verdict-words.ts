/**
 * The words of a verdict, one table for every place that shows one: the terminal views
 * (verify, request verify, callback listen's lines) and the inspect page.
 */
import type { VerifyCode } from "./codes.js";

/** What was judged: a ticket, a registration token, or a request by its scheme. */
export type Subject = "ticket" | "jwt" | "application" | "user" | "webhook" | "numbers" | "basic" | "request";

const CODE_WORDS: Record<VerifyCode, string> = {
  valid: "valid",
  malformed: "malformed",
  key_mismatch: "application key mismatch",
  bad_signature: "bad signature",
  expired: "expired",
  not_yet_valid: "not yet valid",
};

/** A signed request's time says when it was signed, not how long it may live. */
const REQUEST_TIME_WORDS: Partial<Record<VerifyCode, string>> = {
  expired: "signed too long ago",
  not_yet_valid: "signed in the future",
};

const SUBJECT_WORDS: Record<Subject, string> = {
  ticket: "ticket",
  jwt: "registration token",
  application: "application-signed request",
  user: "request with a user ticket",
  webhook: "Conversation/SMS webhook",
  numbers: "Numbers webhook",
  basic: "request with HTTP Basic credentials",
  request: "request",
};

/** Said under a failure that no known mistake explains. */
export const NO_KNOWN_MISTAKE = "no known mistake explains this failure";

/**
 * "valid ticket", "bad signature", "signed too long ago (application-signed request)",
 * "malformed request".
 */
export function verdictPhrase(code: VerifyCode, subject: Subject): string {
  if (subject === "ticket" || subject === "jwt") {
    return code === "valid" || code === "malformed"
      ? `${CODE_WORDS[code]} ${SUBJECT_WORDS[subject]}`
      : CODE_WORDS[code];
  }
  const words = REQUEST_TIME_WORDS[code] ?? CODE_WORDS[code];
  return subject === "request" ? `${words} ${SUBJECT_WORDS.request}` : `${words} (${SUBJECT_WORDS[subject]})`;
}

/** The name of what was judged, for headings: "registration token", "Numbers webhook". */
export function subjectWords(subject: Subject): string {
  return SUBJECT_WORDS[subject];
}
