import { createHmac } from "node:crypto";

/**
 * Conversation and SMS webhooks (formats.md §3):
 * `x-sinch-webhook-signature = base64(HMAC-SHA256(secret as UTF-8 text, body "." nonce "." timestamp))`,
 * over the raw body bytes as received. Numbers webhooks:
 * `X-Sinch-Signature = hex(HMAC-SHA1(secret as UTF-8 text, raw body))`.
 */

/** The header names of the Conversation/SMS scheme, lower case. */
export const WEBHOOK_HEADERS = {
  signature: "x-sinch-webhook-signature",
  nonce: "x-sinch-webhook-signature-nonce",
  timestamp: "x-sinch-webhook-signature-timestamp",
  algorithm: "x-sinch-webhook-signature-algorithm",
} as const;

export const NUMBERS_HEADER = "x-sinch-signature";

/** What the webhook HMAC covers: the body bytes, then `.nonce.timestamp`. */
export function webhookSignedData(body: Uint8Array | string, nonce: string, timestamp: string): Uint8Array {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  return Buffer.concat([bytes, Buffer.from(`.${nonce}.${timestamp}`, "utf8")]);
}

/** base64(HMAC-SHA256(secret, body.nonce.timestamp)); a text secret is used as its UTF-8 bytes, never base64-decoded. */
export function webhookSignature(
  secret: string | Uint8Array,
  body: Uint8Array | string,
  nonce: string,
  timestamp: string,
): string {
  return createHmac("sha256", secret)
    .update(webhookSignedData(body, nonce, timestamp))
    .digest("base64");
}

/** hex(HMAC-SHA1(secret, body)). */
export function numbersSignature(secret: string | Uint8Array, body: Uint8Array | string): string {
  return createHmac("sha1", secret).update(body).digest("hex");
}

export interface WebhookHeaders {
  [WEBHOOK_HEADERS.signature]: string;
  [WEBHOOK_HEADERS.nonce]: string;
  [WEBHOOK_HEADERS.timestamp]: string;
  [WEBHOOK_HEADERS.algorithm]: "HmacSHA256";
}

/** The four headers Sinch adds to a Conversation or SMS webhook. */
export function signWebhook(
  secret: string | Uint8Array,
  body: Uint8Array | string,
  nonce: string,
  timestamp: string,
): WebhookHeaders {
  return {
    [WEBHOOK_HEADERS.signature]: webhookSignature(secret, body, nonce, timestamp),
    [WEBHOOK_HEADERS.nonce]: nonce,
    [WEBHOOK_HEADERS.timestamp]: timestamp,
    [WEBHOOK_HEADERS.algorithm]: "HmacSHA256",
  };
}
