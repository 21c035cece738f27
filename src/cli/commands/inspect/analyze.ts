/**
 * What the inspect page shows for a pasted text: the same decode and verify answers as
 * `decode --json` and `verify --json`, and a view of the ticket for the page (its parts,
 * the characters a diagnosis points at, the rows `decode` prints, the times to draw).
 */

import { checkExplained, DEFAULT_CLOCK_SKEW, type MistakeId } from "../../../core/checks.js";
import { InvalidInputError } from "../../../core/errors.js";
import type { InspectAnswer, RequestAnswer, Segment, TicketAnswer, TimeLine, View } from "../../../core/inspect-api.js";
import { describe, examine, judge } from "../../../core/judge.js";
import { chooseCandidates, judgeWithCandidates } from "../../../core/keyring.js";
import { type Damage, describeAmbiguity, readInput } from "../../../core/read.js";
import { nameInvisible } from "../../../core/repair.js";
import {
  checkRequest,
  isRequestText,
  type RequestCredentials,
  requestApplicationKey,
} from "../../../core/request/check.js";
import { headerValue, type ParsedRequest, parseRequest } from "../../../core/request/parse.js";
import { malformedRequest, requestScheme } from "../../../core/request/verify.js";
import { signedLines, visibleLine } from "../../../core/request/visible.js";
import { isInstant } from "../../../core/time.js";
import { subjectWords } from "../../../core/verdict-words.js";
import { type Decoded, decodedRows, describedJson } from "../../views/decoded.js";
import { requestJson } from "../../views/request-verdict.js";
import { verifyJson } from "../../views/verdict.js";

/** How the page marks each kind of damage the reader found, and the diagnosis that explains it. */
const MARKS: Record<Damage["kind"], { kind: string; label: string; mistake: MistakeId }> = {
  space: { kind: "space", label: "a space where '+' was", mistake: "plus-as-space" },
  "line-break": { kind: "line-break", label: "a line break", mistake: "line-wrapped" },
  "percent-escape": { kind: "percent", label: "a percent escape", mistake: "percent-encoded" },
  invisible: { kind: "invisible", label: "a character that does not show", mistake: "invisible-character" },
  ellipsis: { kind: "ellipsis", label: "an ellipsis where the text was cut", mistake: "truncated" },
};

const TICKET_URL_CHARS: Record<string, string> = { "-": "'-' (base64url for '+')", _: "'_' (base64url for '/')" };
const TOKEN_STANDARD_CHARS: Record<string, string> = {
  "+": "'+' (standard base64, not base64url)",
  "/": "'/' (standard base64, not base64url)",
  "=": "'=' padding (a JWT has none)",
};

/**
 * Splits the ticket or token into parts, with the damaged characters as their own
 * segments: the damage the reader found (`readInput`), not looked for again.
 */
export function segmentsOf(
  ticket: string,
  format: "ticket" | "jwt",
  mistakes: Set<string>,
  damage: readonly Damage[] = [],
): Segment[] {
  const damageAt = new Map(damage.map((d) => [d.at, d]));
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
    const damaged = damageAt.get(i);
    const found = damaged ? MARKS[damaged.kind] : undefined;
    const oddChar = format === "jwt" ? TOKEN_STANDARD_CHARS[ch] : TICKET_URL_CHARS[ch];
    if (found || oddChar) {
      flush();
      const n = damaged?.length ?? 1;
      const mark = found
        ? {
            kind: found.kind,
            label:
              found.kind === "invisible"
                ? `${nameInvisible(ch)}, which does not show`
                : found.kind === "space" && !mistakes.has("plus-as-space")
                  ? "a space"
                  : found.label,
            mistake: mistakes.has(found.mistake) ? found.mistake : null,
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
  // An ellipsis is just after the ticket: shown where the text was cut.
  const cut = damageAt.get(ticket.length);
  if (cut?.kind === "ellipsis") {
    const { kind, label, mistake } = MARKS.ellipsis;
    segments.push({
      text: cut.length === 1 ? "\u2026" : "...",
      part,
      mark: { kind, label, mistake: mistakes.has(mistake) ? mistake : null },
    });
  }
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

/** Credentials to verify with; the secrets never leave this process. */
export interface InspectCredentials extends RequestCredentials {}

const EMPTY_VIEW: View = { format: null, segments: [], rows: [], time: null, applicationKey: null, causes: [] };

/**
 * Decodes (and, given credentials, verifies) a pasted text as `decode` and `verify` do, or
 * a pasted request or callback as `request verify` does.
 */
export function analyze(text: string, credentials: InspectCredentials | null, now: Date): InspectAnswer {
  if (text.trim() === "") {
    return { kind: null, decode: { error: "no ticket: paste one", code: "empty" }, verify: null, view: EMPTY_VIEW };
  }
  if (isRequestText(text)) return analyzeRequest(text, credentials, now);
  const input = readInput(text);
  if (input.kind === "ambiguous") {
    const message = `found ${describeAmbiguity(input.found)}: paste one`;
    return { kind: null, decode: { error: message, code: "ambiguous" }, verify: null, view: EMPTY_VIEW };
  }
  const examined = examine(input);
  const { format } = examined;
  const description = describe(examined, now);
  const { decoded } = description;
  // Exactly what decode --json prints for the same text.
  const decode: TicketAnswer["decode"] = describedJson(examined, description);

  let verify: TicketAnswer["verify"] = null;
  let mistakes = new Set<string>();
  let causes: View["causes"] = [];
  if (credentials?.keyring) {
    const choice = chooseCandidates(credentials.keyring, examined.applicationKey);
    const chosen = judgeWithCandidates(
      choice,
      (c) => judge(examined, { applicationSecret: c.secret, applicationKey: c.key, now }),
      format === "jwt" ? "token" : "ticket",
    );
    if (chosen === null) decode.verifyError = choice.problem;
    else {
      const { result } = chosen;
      verify = { ...verifyJson(result), notes: [...chosen.notes, ...result.notes] };
      mistakes = new Set(result.diagnosis.map((d) => d.mistake));
      causes = result.diagnosis.map((d) => ({ check: checkExplained(d.mistake), ...d }));
    }
  }
  const view: View = {
    format,
    segments: segmentsOf(input.text, format, mistakes, input.damage),
    rows: decoded ? decodedRows(decoded, now) : [],
    time: decoded ? timeOf(decoded, now) : null,
    applicationKey: examined.applicationKey,
    causes,
  };
  return { kind: format === "jwt" ? "token" : "ticket", decode, verify, view };
}

/** A pasted request or callback: `request verify --json`'s answer, and its parts to show. */
function analyzeRequest(text: string, credentials: InspectCredentials | null, now: Date): RequestAnswer {
  let request: ParsedRequest;
  try {
    request = parseRequest(text);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const result = malformedRequest(error.message);
    return {
      kind: "request",
      request: credentials ? requestJson(result) : null,
      error: credentials ? null : error.message,
      view: { signed: [], rows: [], applicationKey: null, causes: [] },
    };
  }
  const scheme = requestScheme(request);
  const rows: [string, string][] = [
    ["scheme", scheme === null ? "none recognised" : subjectWords(scheme)],
    ["request", `${request.method} ${request.path}${request.query === null ? "" : `?${request.query}`}`],
    ["read from", request.kind === "curl" ? "a curl command" : "a raw HTTP request"],
    ["body", `${request.body.length} bytes`],
  ];
  for (const name of ["content-type", "x-timestamp", "x-sinch-webhook-signature-timestamp"]) {
    const value = headerValue(request, name);
    if (value !== undefined) rows.push([name, visibleLine(value)]);
  }
  const view = { signed: [], rows, applicationKey: requestApplicationKey(request), causes: [] };
  if (!credentials) return { kind: "request", request: null, error: null, view };
  const outcome = checkRequest(request, credentials, { now });
  if ("missing" in outcome) {
    return {
      kind: "request",
      request: null,
      error: `no ${outcome.missing} secret: choose a profile that has one`,
      view,
    };
  }
  if ("problem" in outcome) return { kind: "request", request: null, error: outcome.problem, view };
  const { result } = outcome;
  return {
    kind: "request",
    request: { ...requestJson(result), notes: [...outcome.notes, ...result.notes] },
    error: null,
    view: {
      ...view,
      signed: result.stringToSign === null ? [] : signedLines(result.scheme, result.stringToSign),
      causes: result.diagnosis.map((d) => ({ check: checkExplained(d.mistake), ...d })),
    },
  };
}
