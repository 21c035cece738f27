import type { VerifyCode } from "./codes.js";

/**
 * The inspect API's answers: made by the command (src/cli/commands/inspect/analyze.ts),
 * served by src/server/inspect.ts, drawn by the page (src/inspect-page/). Types only.
 */

/** A run of the ticket's characters, and what it is. */
export interface Segment {
  text: string;
  part: "data" | "separator" | "signature" | "header" | "claims" | "dot";
  /** Set on characters a diagnosis points at. */
  mark?: { kind: string; label: string; mistake: string | null };
}

/** The instants to draw, in ms since the epoch. */
export interface TimeLine {
  now: number;
  /** created (ticket) or iat (token). */
  issued: number | null;
  issuedLabel: string;
  clockSkewSeconds: number;
  expires: number | null;
  expiresLabel: string;
  instanceExpires: number | null;
}

export interface View {
  format: "ticket" | "jwt" | null;
  /** The ticket or token as read from the text (damage kept), in segments. */
  segments: Segment[];
  /** What `decode` prints, row by row. */
  rows: [string, string][];
  time: TimeLine | null;
  /** The application key in the ticket (the token's iss), to choose a profile by. */
  applicationKey: string | null;
  /** Each diagnosis with the check it explains, as `verify` shows them. */
  causes: { check: string; mistake: string; detail: string }[];
}

/** A request's parts as the page shows them. */
export interface RequestView {
  /** Each line of what was signed, invisible characters drawn, with what the line is. */
  signed: { name: string; text: string }[];
  /** The request's method, path, headers that count: `[label, value]` rows. */
  rows: [string, string][];
  /** The application key the request names, to choose a profile by. */
  applicationKey: string | null;
  /** Each diagnosis with the check it explains. */
  causes: { check: string; mistake: string; detail: string }[];
}

/** A check as the answers carry it. */
export interface CheckJson {
  name: string;
  ok: boolean | null;
  detail: string;
}

/** `verify --json`'s object and `request verify --json`'s share these fields. */
export interface VerdictJson {
  valid: boolean;
  code: VerifyCode;
  checks: CheckJson[];
  notes: string[];
  warnings: string[];
  diagnosis: { mistake: string; detail: string; repairedVerifies?: boolean }[];
}

/** `POST /api/inspect` for a ticket or a registration token. */
export interface TicketAnswer {
  kind: "ticket" | "token" | null;
  /** `decode --json`'s object (or an `error` when nothing could be read). */
  decode: { error?: string; notes?: string[]; warnings?: string[]; verifyError?: string | null } & Record<
    string,
    unknown
  >;
  /** `verify --json`'s object, when verifying was asked and credentials were at hand. */
  verify: (VerdictJson & { format: "ticket" | "jwt" } & Record<string, unknown>) | null;
  view: View;
}

/** `POST /api/inspect` for a signed request or callback. */
export interface RequestAnswer {
  kind: "request";
  /** `request verify --json`'s object; null when not verified (or no secret for its scheme). */
  request:
    | (VerdictJson & {
        scheme: "application" | "user" | "webhook" | "numbers" | "basic" | null;
        stringToSign: string | null;
      })
    | null;
  /** Why the request was not verified, when it was not. */
  error: string | null;
  view: RequestView;
}

export type InspectAnswer = TicketAnswer | RequestAnswer;
