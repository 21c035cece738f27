/** What decode shows: a decoded ticket or token as rows for people and as decode's JSON. */

import type { Diagnosis } from "../../core/checks.js";
import { escapeForTerminal } from "../../core/escape.js";
import type { Description, Examined } from "../../core/judge.js";
import type { DecodedTicket } from "../../core/ticket/decode.js";
import { describeRelative } from "../../core/time.js";
import type { DecodedRegistrationToken } from "../../core/token/format.js";
import type { CommandContext } from "../terminal/context.js";
import { ExitCode } from "../terminal/exit.js";

export type Decoded = DecodedTicket | DecodedRegistrationToken;

/** `decode --json` for a ticket. */
export function decodeJson(d: DecodedTicket) {
  return {
    format: d.format,
    payload: d.payload,
    json: d.json,
    signature: d.signature,
    style: d.style,
    created: d.created,
    expiresAt: d.expiresAt,
    notes: d.notes,
    warnings: d.warnings,
  };
}

/** `decode --json` for a registration token. */
export function tokenJson(d: DecodedRegistrationToken) {
  return {
    format: d.format,
    header: d.header,
    claims: d.claims,
    json: d.json,
    signature: d.signature,
    created: d.created,
    expiresAt: d.expiresAt,
    notes: d.notes,
    warnings: d.warnings,
  };
}

/** `decode --json` for either. */
export function decodedJson(d: Decoded) {
  return d.format === "jwt" ? tokenJson(d) : decodeJson(d);
}

/** "malformed ticket: <problem>", as decode says it. */
export function malformedMessage(examined: Examined, error: string): string {
  return `malformed ${examined.format === "jwt" ? "registration token" : "ticket"}: ${error}`;
}

/** One diagnosis entry as every JSON output shows it. */
export function diagnosisJson(d: Diagnosis) {
  return {
    mistake: d.mistake,
    detail: d.detail,
    ...(d.repairedVerifies === undefined ? {} : { repairedVerifies: d.repairedVerifies }),
  };
}

/**
 * `decode --json` for any input, a malformed one included: what could be read, and for a
 * malformed input the error and the damage that explains it.
 */
export function describedJson(examined: Examined, { decoded, error, diagnosis }: Description) {
  if (error === null && decoded) return decodedJson(decoded);
  const failure = {
    error: malformedMessage(examined, error ?? "it cannot be read"),
    exitCode: ExitCode.malformed,
    diagnosis: diagnosis.map(diagnosisJson),
  };
  if (decoded) return { ...decodedJson(decoded), ...failure };
  return { format: null, ...failure, notes: examined.input.notes, warnings: examined.input.warnings };
}

const STYLE_NAMES: Record<string, string> = {
  dotnet: "dotnet (Sinch's C# sample)",
  js: "js (Sinch's JS SDK generator)",
  "sinch-issued": "sinch-issued (Sinch's user API)",
  other: "other (not byte-identical to a known producer)",
};

/** The human view of a decoded ticket, one `label  value` row per line. */
export function ticketRows(d: DecodedTicket, now: Date): [string, string][] {
  const expires =
    d.expiresIn === null
      ? "no expiresIn"
      : d.expiresAt === null
        ? `outside the years 0001-9999 (expiresIn ${d.expiresIn})`
        : `${d.expiresAt} (${describeRelative(Date.parse(d.expiresAt), now)}; expiresIn ${d.expiresIn})`;
  return [
    ["identity", `${d.identity.type} ${JSON.stringify(d.identity.endpoint)}`],
    ["application", `${d.applicationKey} (field '${d.applicationKeyField}')`],
    ["created", `${d.created} (${describeRelative(d.createdAt, now)})`],
    ["expires", expires],
    ["layout", STYLE_NAMES[d.style] ?? d.style],
    ["signature", d.signatureLength === 0 ? "not readable (see the warning)" : `${d.signatureLength} bytes`],
    ["json", d.json],
  ];
}

/** The human view of a decoded registration token. */
export function tokenRows(d: DecodedRegistrationToken, now: Date): [string, string][] {
  const outside = (claim: string) => `outside the years 0001-9999 (${claim} ${String(d.claims[claim])})`;
  return [
    ["user", JSON.stringify(d.userId)],
    ["application", d.applicationKey],
    ["issued", d.created === null ? outside("iat") : `${d.created} (${describeRelative(d.createdAt, now)})`],
    [
      "expires",
      d.expiresAt === null
        ? outside("exp")
        : `${d.expiresAt} (${describeRelative(Date.parse(d.expiresAt), now)}; ${d.lifetime}s lifetime)`,
    ],
    [
      "instance",
      d.instanceExpiresAt !== null
        ? `${d.instanceExpiresAt} (sinch:rtc:instance:exp)`
        : d.claims["sinch:rtc:instance:exp"] === undefined
          ? "no sinch:rtc:instance:exp"
          : outside("sinch:rtc:instance:exp"),
    ],
    ["kid", `${String(d.header.kid)} (key date ${d.keyDate})`],
    ["nonce", String(d.claims.nonce)],
    ["header", d.headerJson],
    ["claims", d.json],
  ];
}

/** The human view of either. */
export function decodedRows(d: Decoded, now: Date): [string, string][] {
  return d.format === "jwt" ? tokenRows(d, now) : ticketRows(d, now);
}

/** Rows of `label  value`, the labels dimmed and aligned. */
export function printRows(ctx: CommandContext, rows: [string, string][]): void {
  if (rows.length > 0) ctx.ui.print(rowLines(ctx, rows).join("\n"));
}

/** The lines `printRows` prints, labels aligned. */
export function rowLines(ctx: CommandContext, rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${ctx.ui.out("dim", label.padEnd(width))}  ${escapeForTerminal(value)}`);
}
