import { randomUUID } from "node:crypto";
import { InvalidInputError } from "../errors.js";
import type { SecretInput } from "../secret.js";
import { isoFromMillis } from "../time.js";
import { TokenSigner } from "./signer.js";

export interface RegistrationTokenOptions {
  applicationKey: string;
  applicationSecret: SecretInput;
  userId: string;
  /** The `iat`. Defaults to the system clock. */
  now?: Date;
  /** Seconds until `exp` (default 600, at least 60). */
  ttl?: number;
  /** Default: a random UUID. */
  nonce?: string;
  /** Seconds after `iat` for `sinch:rtc:instance:exp` (at least 48 hours). */
  instanceExpiresIn?: number;
}

export interface RegistrationToken {
  token: string;
  format: "jwt";
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  expiresAt: string;
}

/** Makes a registration token, byte-identical to Sinch's reference encoders. */
export function createRegistrationToken(options: RegistrationTokenOptions): RegistrationToken {
  const { applicationKey, userId } = options;
  if (!applicationKey) throw new InvalidInputError("invalid_key", "the application key is empty");
  TokenSigner.check(userId);
  const signer = new TokenSigner({
    applicationKey,
    applicationSecret: options.applicationSecret,
    now: options.now ?? new Date(),
    ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
    ...(options.instanceExpiresIn !== undefined ? { instanceExpiresIn: options.instanceExpiresIn } : {}),
  });
  const nonce = options.nonce ?? randomUUID();
  return {
    token: signer.signChecked(userId, nonce),
    format: "jwt",
    header: signer.header,
    claims: signer.claims(userId, nonce),
    expiresAt: isoFromMillis(signer.exp * 1000),
  };
}
