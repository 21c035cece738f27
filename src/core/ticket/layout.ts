import type { Identity } from "../endpoint.js";
import { jsString, newtonsoftString, type StringWriter } from "../json-text.js";
import type { TicketContent } from "./payload.js";

/** Layouts the tool writes (see formats.md): the C# tutorial's and Sinch's JS generator's. */
export type TicketStyle = "dotnet" | "js";
export const TICKET_STYLES: readonly TicketStyle[] = ["dotnet", "js"];

/** Fraction digits of `created` in each layout. */
export const CREATED_DIGITS: Record<TicketStyle, number> = { dotnet: 7, js: 3 };

/** The `expiresIn` Sinch's JS generator always writes. */
export const JS_DEFAULT_EXPIRES_IN = 86400;

export interface TicketFields {
  applicationKey: string;
  identity: Identity;
  /** Already formatted as the layout writes it. */
  created: string;
  expiresIn?: number | null;
}

/**
 * A layout's JSON text around the identity: a ticket is `head`, the quoted type,
 * `,"endpoint":`, the quoted endpoint, then `tail`. `quote` writes a string literal as the
 * layout's producer does. The one place each layout's field order and spelling is written.
 */
export interface TicketFrame {
  head: string;
  tail: string;
  quote: StringWriter;
}

export function ticketFrame(style: TicketStyle | "sinch-issued", f: Omit<TicketFields, "identity">): TicketFrame {
  const quote = style === "js" ? jsString : newtonsoftString;
  const expires = f.expiresIn === undefined || f.expiresIn === null ? "" : `,"expiresIn":${f.expiresIn}`;
  const key = quote(f.applicationKey);
  const created = quote(f.created);
  return style === "dotnet"
    ? { head: `{"identity":{"type":`, tail: `},"applicationkey":${key},"created":${created}${expires}}`, quote }
    : { head: `{"applicationKey":${key},"identity":{"type":`, tail: `},"created":${created}${expires}}`, quote };
}

/**
 * The exact JSON text of a ticket in one layout. `sinch-issued` is the layout of tickets
 * Sinch's own user API issues; it is here so decode can recognise it.
 */
export function ticketJson(style: TicketStyle | "sinch-issued", f: TicketFields): string {
  const { head, tail, quote } = ticketFrame(style, f);
  return `${head}${quote(f.identity.type)},"endpoint":${quote(f.identity.endpoint)}${tail}`;
}

/** The layouts decode recognises (formats.md, "Layouts seen in the wild"). */
export type DetectedStyle = "dotnet" | "js" | "sinch-issued" | "other";

/**
 * Names the producer whose layout matches the JSON text byte for byte: the text is
 * written again in each candidate layout and compared.
 */
export function detectStyle(json: string, c: TicketContent): DetectedStyle {
  const identity = c.payload.identity as Record<string, unknown>;
  if (Object.keys(identity).length !== 2) return "other";
  const fields = { applicationKey: c.applicationKey, identity: c.identity, created: c.created, expiresIn: c.expiresIn };
  if (c.applicationKeyField === "applicationkey") {
    return /\.\d{7}Z$/.test(c.created) && ticketJson("dotnet", fields) === json ? "dotnet" : "other";
  }
  if (c.applicationKeyField !== "applicationKey") return "other";
  if (c.expiresIn !== null && ticketJson("js", fields) === json) return "js";
  if (c.expiresIn === null && ticketJson("sinch-issued", fields) === json) return "sinch-issued";
  return "other";
}
