import { MalformedTicketError } from "../../../core/errors.js";
import { looksLikeJwt, normalizeTicketInput } from "../../../core/normalize.js";
import { type DecodedTicket, decodeTicket } from "../../../core/ticket/decode.js";
import { describeRelative } from "../../../core/time.js";
import { type DecodedRegistrationToken, decodeRegistrationToken } from "../../../core/token/format.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { ExitCode, ExitError } from "../../terminal/exit.js";
import { readTicketArgument } from "../../terminal/ticket-input.js";
import type { DecodeFlags } from "./options.js";

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

const STYLE_NAMES: Record<string, string> = {
  dotnet: "dotnet (Sinch's C# sample)",
  js: "js (Sinch's JS SDK generator)",
  "sinch-issued": "sinch-issued (Sinch's user API)",
  other: "other (not byte-identical to a known producer)",
};

/** The human view of a decoded ticket, one `label  value` row per line. */
export function ticketRows(d: DecodedTicket, now: Date): [string, string][] {
  const expires =
    d.expiresAt === null
      ? "no expiresIn"
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

/** The human view of a decoded registration token. */
export function tokenRows(d: DecodedRegistrationToken, now: Date): [string, string][] {
  const lifetime = Math.round((Date.parse(d.expiresAt) - d.createdAt) / 1000);
  return [
    ["user", JSON.stringify(d.userId)],
    ["application", d.applicationKey],
    ["issued", `${d.created} (${describeRelative(d.createdAt, now)})`],
    ["expires", `${d.expiresAt} (${describeRelative(Date.parse(d.expiresAt), now)}; ${lifetime}s lifetime)`],
    [
      "instance",
      d.instanceExpiresAt === null ? "no sinch:rtc:instance:exp" : `${d.instanceExpiresAt} (sinch:rtc:instance:exp)`,
    ],
    ["kid", `${String(d.header.kid)} (key date ${d.keyDate})`],
    ["nonce", String(d.claims.nonce)],
    ["header", d.headerJson],
    ["claims", d.json],
  ];
}

/** True when the input (after harmless normalisation) is a registration token. */
export function isToken(input: string): boolean {
  return looksLikeJwt(normalizeTicketInput(input).ticket);
}

export function printRows(ctx: CommandContext, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) ctx.ui.print(`  ${ctx.ui.out("dim", label.padEnd(width))}  ${value}`);
}

export async function decode(ticketArg: string | undefined, flags: DecodeFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  const input = await readTicketArgument(ticketArg, io, false);
  const now = io.now();
  const token = isToken(input);
  let decoded: DecodedTicket | DecodedRegistrationToken;
  let damaged = false;
  try {
    decoded = token ? decodeRegistrationToken(input, { now }) : decodeTicket(input, { now });
  } catch (error) {
    if (!(error instanceof MalformedTicketError)) throw error;
    if (!error.decoded) {
      throw new ExitError(ExitCode.malformed, `malformed ${token ? "registration token" : "ticket"}: ${error.message}`);
    }
    // The data reads fine, only the signature is damaged: show it all, and still exit 6.
    decoded = error.decoded as DecodedTicket;
    damaged = true;
  }
  for (const note of decoded.notes) ui.note(note);
  ui.note("decode does not check the signature; use `sinch-ticket verify` for that");
  if (flags.json) {
    printJson(ctx, decoded.format === "jwt" ? tokenJson(decoded) : decodeJson(decoded));
  } else if (decoded.format === "jwt") {
    ui.print(ui.out("bold", "Registration token (JWT)"));
    printRows(ctx, tokenRows(decoded, now));
  } else {
    ui.print(ui.out("bold", "User ticket"));
    printRows(ctx, ticketRows(decoded, now));
  }
  for (const warning of decoded.warnings) ui.warn(warning);
  return damaged ? ExitCode.malformed : ExitCode.ok;
}
