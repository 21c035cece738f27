/**
 * What the inspect page shows for a pasted text: the same decode and verify answers as
 * `decode --json` and `verify --json`, and a view of the ticket for the page (its parts,
 * the characters a diagnosis points at, the rows `decode` prints, the times to draw).
 */

import { DEFAULT_CLOCK_SKEW, MISTAKE_CHECK } from "../../../core/checks.js";
import { describe, examine, judge } from "../../../core/judge.js";
import { describeAmbiguity, readInput } from "../../../core/read.js";
import { INVISIBLE, nameInvisible } from "../../../core/repair.js";
import { isInstant } from "../../../core/time.js";
import type { Segment, TimeLine, View } from "../../../inspect-page/api-types.js";
import { type Decoded, decodedRows, describedJson } from "../../views/decoded.js";
import { verifyJson } from "../../views/verdict.js";

/** Credentials to verify with; the secret never leaves this process. */
export interface VerifyCredentials {
  applicationKey: string | null;
  applicationSecret: string;
}

export interface Analysis {
  decode: Record<string, unknown>;
  verify: Record<string, unknown> | null;
  view: View;
}

/** Where a mark's character comes from, by the diagnosis that explains it. */
const MARKS: { test: (text: string, i: number) => number; kind: string; label: string; mistake: string }[] = [
  { test: (t, i) => (t[i] === " " ? 1 : 0), kind: "space", label: "a space where '+' was", mistake: "plus-as-space" },
  {
    test: (t, i) => (t[i] === "\r" && t[i + 1] === "\n" ? 2 : t[i] === "\n" || t[i] === "\r" ? 1 : 0),
    kind: "line-break",
    label: "a line break",
    mistake: "line-wrapped",
  },
  {
    test: (t, i) => (t[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(t.slice(i + 1, i + 3)) ? 3 : 0),
    kind: "percent",
    label: "a percent escape",
    mistake: "percent-encoded",
  },
  {
    test: (t, i) => (INVISIBLE.test(t[i] ?? "") ? 1 : 0),
    kind: "invisible",
    label: "a character that does not show",
    mistake: "invisible-character",
  },
];

const TICKET_URL_CHARS: Record<string, string> = { "-": "'-' (base64url for '+')", _: "'_' (base64url for '/')" };
const TOKEN_STANDARD_CHARS: Record<string, string> = {
  "+": "'+' (standard base64, not base64url)",
  "/": "'/' (standard base64, not base64url)",
  "=": "'=' padding (a JWT has none)",
};

/** Splits the ticket or token into parts, with the damaged characters as their own segments. */
export function segmentsOf(ticket: string, format: "ticket" | "jwt", mistakes: Set<string>): Segment[] {
  const segments: Segment[] = [];
  let part: Segment["part"] = format === "jwt" ? "header" : "data";
  let dots = 0;
  let plain = "";
  const flush = () => {
    if (plain) segments.push({ text: plain, part });
    plain = "";
  };
  for (let i = 0; i < ticket.length; ) {
    const ch = ticket[i] as string;
    if ((format === "ticket" && ch === ":" && part === "data") || (format === "jwt" && ch === ".")) {
      flush();
      segments.push({ text: ch, part: format === "jwt" ? "dot" : "separator" });
      dots++;
      part = format === "jwt" ? (dots === 1 ? "claims" : "signature") : "signature";
      i++;
      continue;
    }
    const found = MARKS.map((m) => ({ m, n: m.test(ticket, i) })).find((x) => x.n > 0);
    const oddChar = format === "jwt" ? TOKEN_STANDARD_CHARS[ch] : TICKET_URL_CHARS[ch];
    if (found || oddChar) {
      flush();
      const n = found?.n ?? 1;
      const mark = found
        ? {
            kind: found.m.kind,
            label:
              found.m.kind === "invisible"
                ? `${nameInvisible(ch)}, which does not show`
                : found.m.label === "a space where '+' was" && !mistakes.has("plus-as-space")
                  ? "a space"
                  : found.m.label,
            mistake: mistakes.has(found.m.mistake) ? found.m.mistake : null,
          }
        : { kind: "alphabet", label: oddChar as string, mistake: mistakes.has("base64url") ? "base64url" : null };
      segments.push({ text: ticket.slice(i, i + n), part, mark });
      i += n;
      continue;
    }
    plain += ch;
    i++;
  }
  flush();
  return segments;
}

/** The time line; none when a time is outside the years 0001-9999 (the input is malformed). */
function timeOf(decoded: Decoded, now: Date): TimeLine | null {
  if (!isInstant(decoded.createdAt)) return null;
  if (decoded.format === "jwt") {
    const instance = decoded.claims["sinch:rtc:instance:exp"];
    if (decoded.created === null || decoded.expiresAt === null) return null;
    if (instance !== undefined && decoded.instanceExpiresAt === null) return null;
    return {
      now: now.getTime(),
      issued: decoded.createdAt,
      issuedLabel: "iat",
      clockSkewSeconds: DEFAULT_CLOCK_SKEW,
      expires: Date.parse(decoded.expiresAt),
      expiresLabel: "exp",
      instanceExpires: decoded.instanceExpiresAt === null ? null : Date.parse(decoded.instanceExpiresAt),
    };
  }
  if (decoded.expiresIn !== null && decoded.expiresAt === null) return null;
  return {
    now: now.getTime(),
    issued: decoded.createdAt,
    issuedLabel: "created",
    clockSkewSeconds: DEFAULT_CLOCK_SKEW,
    expires: decoded.expiresAt === null ? null : Date.parse(decoded.expiresAt),
    expiresLabel: "expiresIn",
    instanceExpires: null,
  };
}

/** Decodes (and, given credentials, verifies) a pasted text as `decode` and `verify` do. */
export function analyze(text: string, credentials: VerifyCredentials | null, now: Date): Analysis {
  const input = readInput(text);
  const empty: View = { format: null, segments: [], rows: [], time: null, applicationKey: null, causes: [] };
  if (text.trim() === "") {
    return { decode: { error: "no ticket: paste one", code: "empty" }, verify: null, view: empty };
  }
  if (input.kind === "ambiguous") {
    const message = `found ${describeAmbiguity(input.found)}: paste one`;
    return { decode: { error: message, code: "ambiguous" }, verify: null, view: empty };
  }
  const examined = examine(input);
  const { format } = examined;
  const description = describe(examined, now);
  const { decoded } = description;
  // Exactly what decode --json prints for the same text.
  const decode: Record<string, unknown> = describedJson(examined, description);

  let verify: Record<string, unknown> | null = null;
  let mistakes = new Set<string>();
  let causes: View["causes"] = [];
  if (credentials) {
    const result = judge(examined, { ...credentials, now });
    verify = verifyJson(result);
    mistakes = new Set(result.diagnosis.map((d) => d.mistake));
    causes = result.diagnosis.map((d) => ({ check: MISTAKE_CHECK[d.mistake], ...d }));
  }
  const view: View = {
    format,
    segments: segmentsOf(input.text, format, mistakes),
    rows: decoded ? decodedRows(decoded, now) : [],
    time: decoded ? timeOf(decoded, now) : null,
    applicationKey: examined.applicationKey,
    causes,
  };
  return { decode, verify, view };
}
