import { InvalidInputError } from "../errors.js";
import { formatUtc, fromMillis } from "../time.js";
import { signApplicationRequest } from "./application.js";
import { NUMBERS_HEADER, numbersSignature, signWebhook } from "./webhook.js";

/** The callbacks `callback send` can make, and the scheme each is signed with. */
export const CALLBACK_EVENTS = {
  ice: "application",
  ace: "application",
  dice: "application",
  pie: "application",
  "verification-request": "application",
  "verification-result": "application",
  "conversation-message": "webhook",
  "sms-delivery-report": "webhook",
  "numbers-event": "numbers",
} as const;

export type CallbackEvent = keyof typeof CALLBACK_EVENTS;
export type CallbackScheme = (typeof CALLBACK_EVENTS)[CallbackEvent];

export function isCallbackEvent(name: string): name is CallbackEvent {
  return Object.hasOwn(CALLBACK_EVENTS, name);
}

export interface SampleContext {
  applicationKey: string;
  now: Date;
  /** A fixed id for this callback (call id, verification id, message id). */
  id: string;
}

/**
 * A callback body in the shape of Sinch's documentation (Voice ICE/ACE/DiCE/PIE,
 * Verification request and result events, a Conversation inbound message, an SMS
 * delivery report, a Numbers event), with this run's key, time and id.
 */
export function sampleBody(event: CallbackEvent, ctx: SampleContext): string {
  const timestamp = ctx.now.toISOString();
  const callid = ctx.id;
  const voice = { callid, timestamp, version: 1, custom: "customData", applicationKey: ctx.applicationKey };
  const to = { type: "number", endpoint: "+46700000000" };
  const money = { currencyId: "USD", amount: 0.0 };
  const bodies: Record<CallbackEvent, unknown> = {
    ice: {
      event: "ice",
      ...voice,
      callResourceUrl: `https://calling-euc1.api.sinch.com/calling/v1/calls/id/${callid}`,
      userRate: money,
      cli: "46700000001",
      to,
      domain: "pstn",
      originationType: "PSTN",
      rdnis: "",
      callHeaders: [],
    },
    ace: { event: "ace", ...voice },
    dice: {
      event: "dice",
      ...voice,
      reason: "MANAGERHANGUP",
      result: "ANSWERED",
      debit: money,
      userRate: money,
      to,
      duration: 12,
      from: "46700000001",
    },
    pie: {
      event: "pie",
      ...voice,
      menuResult: { type: "sequence", value: "1452", menuId: "main", inputMethod: "dtmf" },
    },
    "verification-request": {
      id: ctx.id,
      event: "VerificationRequestEvent",
      method: "sms",
      identity: { type: "number", endpoint: "+46700000000" },
      price: { amount: 0.0327, currencyId: "EUR" },
      rate: { amount: 0.0327, currencyId: "EUR" },
    },
    "verification-result": {
      id: ctx.id,
      event: "VerificationResultEvent",
      method: "sms",
      identity: { type: "number", endpoint: "+46700000000" },
      status: "SUCCESSFUL",
      reason: "",
      source: "manual",
    },
    "conversation-message": {
      app_id: "01EB37HMH1M6SV18ASNS3G135H",
      accepted_time: timestamp,
      event_time: timestamp,
      project_id: "c36f3d3d-1513-4edd-ae42-11995557ff61",
      message: {
        id: ctx.id,
        direction: "TO_APP",
        contact_message: { text_message: { text: "Hej, hur mår du? ☺" } },
        channel_identity: { channel: "SMS", identity: "46700000000", app_id: "01EB37HMH1M6SV18ASNS3G135H" },
        conversation_id: "01EQ4174TPG6A6Q7GBJAD8DTEM",
        contact_id: "01EQ4174SN1ASN3YTDB7ZMAWRB",
        metadata: "",
        accept_time: timestamp,
      },
      message_metadata: "",
    },
    "sms-delivery-report": {
      at: timestamp,
      batch_id: ctx.id,
      client_reference: "a client reference",
      code: 0,
      operator_status_at: timestamp,
      recipient: "46700000000",
      status: "Delivered",
      type: "recipient_delivery_report_sms",
    },
    "numbers-event": {
      eventId: ctx.id,
      timestamp: timestamp.replace("Z", ""),
      projectId: "37b62a7b-0177-4d37-8a63-e10f848de123",
      resourceId: "+17818510001",
      resourceType: "ACTIVE_NUMBER",
      eventType: "PROVISIONING_TO_VOICE_PLATFORM",
      status: "SUCCEEDED",
      failureCode: null,
    },
  };
  return JSON.stringify(bodies[event]);
}

export interface CallbackCredentials {
  applicationKey?: string | null;
  applicationSecret?: string | Uint8Array | null;
  webhookSecret?: string | null;
}

export interface SignedCallback {
  event: CallbackEvent;
  scheme: CallbackScheme;
  method: "POST";
  /** The path and query the request goes to. */
  target: string;
  /** Header names and values, in the order Sinch sends them (lower case, as Sinch's callbacks carry them). */
  headers: [string, string][];
  body: Uint8Array;
}

export interface SignCallbackOptions {
  event: CallbackEvent;
  /** Path and query of the receiver's URL (what the application scheme signs: the path). */
  target: string;
  body: Uint8Array | string;
  credentials: CallbackCredentials;
  now: Date;
  /** The webhook nonce (random in `callback send`). */
  nonce: string;
}

/** Signs a callback as Sinch signs it. Throws an `InvalidInputError` when the scheme's secret is missing. */
export function signCallback(options: SignCallbackOptions): SignedCallback {
  const scheme = CALLBACK_EVENTS[options.event];
  const body = Buffer.from(options.body);
  const contentType = "application/json; charset=utf-8";
  const headers: [string, string][] = [["content-type", contentType]];
  const { applicationKey, applicationSecret, webhookSecret } = options.credentials;
  if (scheme === "application") {
    if (!applicationKey || !applicationSecret)
      throw new InvalidInputError("invalid_secret", `${options.event} callbacks need the application key and secret`);
    // Sinch's callbacks carry seven fraction digits (.NET's "O" format) and the path without the query.
    const timestamp = formatUtc(fromMillis(options.now.getTime()), 7);
    const signed = signApplicationRequest({
      applicationKey,
      applicationSecret,
      method: "POST",
      resource: options.target.split("?")[0] ?? "/",
      body,
      contentType,
      timestamp,
    });
    headers.push(
      ["x-timestamp", timestamp],
      ["authorization", signed.authorization.replace(/^Application/, "application")],
    );
  } else if (scheme === "webhook") {
    if (!webhookSecret)
      throw new InvalidInputError("invalid_secret", `${options.event} callbacks need the webhook secret`);
    const signed = signWebhook(webhookSecret, body, options.nonce, String(Math.floor(options.now.getTime() / 1000)));
    headers.push(...(Object.entries(signed) as [string, string][]));
  } else {
    if (!webhookSecret)
      throw new InvalidInputError("invalid_secret", `${options.event} callbacks need the webhook secret`);
    headers.push([NUMBERS_HEADER, numbersSignature(webhookSecret, body)]);
  }
  return { event: options.event, scheme, method: "POST", target: options.target, headers, body };
}

/** The event a callback body names, for a log line ("ace", "VerificationResultEvent", "message"...). */
export function callbackEventName(body: Uint8Array, scheme: string | null): string {
  if (body.length === 0 || body.length > 64 * 1024) return "-";
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    return "-";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "-";
  const record = value as Record<string, unknown>;
  for (const field of ["event", "eventType", "type"]) {
    if (typeof record[field] === "string") return record[field] as string;
  }
  if (scheme === "webhook") {
    const trigger = Object.keys(record).find(
      (k) => k === "message" || k.endsWith("_notification") || k.endsWith("_report"),
    );
    if (trigger) return trigger;
  }
  return "-";
}
