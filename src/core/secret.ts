import { decodeSecret } from "./base64.js";

/** The application secret as Sinch shows it (base64 text), or its decoded bytes. */
export type SecretInput = string | Uint8Array;

/** The last secret decoded: a batch verifies every line with the same one. */
let last: { text: string; key: Uint8Array } | null = null;

export function secretKey(secret: SecretInput): Uint8Array {
  if (typeof secret !== "string") return secret;
  if (last?.text !== secret) last = { text: secret, key: decodeSecret(secret) };
  return last.key;
}
