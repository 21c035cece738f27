import { decodeSecret } from "./base64.js";

/** The application secret as Sinch shows it (base64 text), or its decoded bytes. */
export type SecretInput = string | Uint8Array;

export function secretKey(secret: SecretInput): Uint8Array {
  return typeof secret === "string" ? decodeSecret(secret) : secret;
}
