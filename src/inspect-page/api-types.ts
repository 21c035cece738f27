// The shapes of the inspect API's `view` (made by the command, drawn by the page).

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
