import { createHmac } from "node:crypto";
import { checkEndpoint, checkIdentityType, type IdentityType } from "../endpoint.js";
import { InvalidInputError, MalformedTicketError } from "../errors.js";
import { type SecretInput, secretKey } from "../secret.js";
import { fromMillis, isoFromMillis, type PreciseTime, parseTime, toMillis } from "../time.js";
import { type DetectedStyle, detectStyle, type TicketStyle } from "./layout.js";
import { readPayload, type TicketContent } from "./payload.js";
import { TicketSigner } from "./signer.js";

/** base64(HMAC-SHA256(secret, bytes)); a string secret is the base64 application secret. */
export function ticketSignature(data: string | Uint8Array, secret: SecretInput): string {
  return createHmac("sha256", secretKey(secret)).update(data).digest("base64");
}

/** `base64(json) + ":" + base64(HMAC-SHA256(secret, json))`, over the UTF-8 bytes of `json`. */
export function signTicketJson(json: string | Uint8Array, secret: SecretInput): string {
  const bytes = typeof json === "string" ? Buffer.from(json, "utf8") : json;
  return `${Buffer.from(bytes).toString("base64")}:${ticketSignature(bytes, secret)}`;
}

export interface CreateTicketOptions {
  applicationKey: string;
  /** The application secret as Sinch shows it (base64), or its decoded bytes. */
  applicationSecret: SecretInput;
  /** Who the ticket is for; `type` defaults to `username`. Not used with `payload`. */
  identity?: { type?: IdentityType; endpoint: string };
  /** `dotnet` (default) or `js`. */
  style?: TicketStyle;
  /** The `created` time: ISO 8601 with a zone, a relative time (`-2h`), a Date, or now. */
  created?: string | Date | PreciseTime;
  /** What "now" is, for a missing or relative `created`. Defaults to the system clock. */
  now?: Date;
  /** Seconds; adds `expiresIn`. The js layout always has one (86400 by default). */
  expiresIn?: number;
  /** Sign this exact JSON object text instead of building one. */
  payload?: string;
}

export interface CreatedTicket {
  userTicket: string;
  format: "ticket";
  style: DetectedStyle;
  payload: Record<string, unknown>;
  /** The exact JSON text that was signed. */
  json: string;
  created: string;
  expiresAt: string | null;
  /** Things worth telling the user (an endpoint normalised to E.164...). */
  notes: string[];
}

function resolveCreated(created: CreateTicketOptions["created"], now: Date): PreciseTime {
  if (created === undefined) return fromMillis(now.getTime());
  if (created instanceof Date) {
    if (Number.isNaN(created.getTime())) throw new InvalidInputError("invalid_time", "created is an invalid Date");
    return fromMillis(created.getTime());
  }
  if (typeof created === "string") return parseTime(created, now);
  return created;
}

function expiresAt(content: TicketContent): string | null {
  return content.expiresIn === null ? null : isoFromMillis(content.createdAt + content.expiresIn * 1000);
}

/**
 * Makes a user ticket. Endpoints are checked for their identity type; a phone number is
 * normalised to E.164 (and `notes` says so).
 */
export function createTicket(options: CreateTicketOptions): CreatedTicket {
  const key = secretKey(options.applicationSecret);
  if (options.payload !== undefined) return signPayload(options.payload, key);
  if (!options.identity) throw new InvalidInputError("invalid_endpoint", "no identity given to sign a ticket for");
  const createdTime = resolveCreated(options.created, options.now ?? new Date());
  const signer = new TicketSigner({
    applicationKey: options.applicationKey,
    applicationSecret: key,
    ...(options.style !== undefined ? { style: options.style } : {}),
    created: createdTime,
    ...(options.expiresIn !== undefined ? { expiresIn: options.expiresIn } : {}),
  });
  const type = checkIdentityType(options.identity.type ?? "username");
  const checked = checkEndpoint(type, options.identity.endpoint);
  const json = signer.json(type, checked.endpoint);
  const { expiresIn } = signer;
  return {
    userTicket: signer.signChecked(type, checked.endpoint),
    format: "ticket",
    style: signer.style,
    payload: JSON.parse(json) as Record<string, unknown>,
    json,
    created: signer.created,
    expiresAt: expiresIn === null ? null : isoFromMillis(toMillis(createdTime) + expiresIn * 1000),
    notes: checked.note ? [checked.note] : [],
  };
}

function signPayload(text: string, key: Uint8Array): CreatedTicket {
  let content: TicketContent;
  try {
    content = readPayload(text);
  } catch (error) {
    if (error instanceof MalformedTicketError) {
      throw new InvalidInputError("invalid_payload", error.message.replace(/^ticket data/, "the payload"), {
        cause: error,
      });
    }
    throw error;
  }
  return {
    userTicket: signTicketJson(text, key),
    format: "ticket",
    style: detectStyle(text, content),
    payload: content.payload,
    json: text,
    created: content.created,
    expiresAt: expiresAt(content),
    notes: [],
  };
}
