import { createHmac, randomUUID } from "node:crypto";
import { InvalidInputError } from "../errors.js";
import type { SecretInput } from "../secret.js";
import { isoFromMillis } from "../time.js";
import {
  base64url,
  INSTANCE_MIN_LIFETIME,
  ISS_PREFIX,
  JWT_DEFAULT_TTL,
  JWT_MIN_TTL,
  registrationSigningKey,
  sortedJson,
  utcDate,
} from "./format.js";

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
  if (typeof userId !== "string" || userId === "")
    throw new InvalidInputError("invalid_endpoint", "the user id is empty");
  if (/\p{Cc}/u.test(userId))
    throw new InvalidInputError("invalid_endpoint", "the user id contains a control character");
  const ttl = options.ttl ?? JWT_DEFAULT_TTL;
  if (!Number.isSafeInteger(ttl) || ttl < JWT_MIN_TTL) {
    throw new InvalidInputError("invalid_duration", `the token lifetime must be at least ${JWT_MIN_TTL} seconds`);
  }
  const instance = options.instanceExpiresIn;
  if (instance !== undefined && (!Number.isSafeInteger(instance) || instance < INSTANCE_MIN_LIFETIME)) {
    throw new InvalidInputError("invalid_duration", "the instance expiry must be at least 48 hours after iat");
  }
  const nowMs = (options.now ?? new Date()).getTime();
  if (Number.isNaN(nowMs)) throw new InvalidInputError("invalid_time", "now is an invalid Date");
  const iat = Math.floor(nowMs / 1000);
  const date = utcDate(iat * 1000);
  const header = { alg: "HS256", kid: `hkdfv1-${date}` };
  const claims: Record<string, unknown> = {
    iss: `${ISS_PREFIX}${applicationKey}`,
    sub: `${ISS_PREFIX}${applicationKey}/users/${userId}`,
    iat,
    exp: iat + ttl,
    nonce: options.nonce ?? randomUUID(),
    ...(instance !== undefined ? { "sinch:rtc:instance:exp": iat + instance } : {}),
  };
  const input = `${base64url(sortedJson(header))}.${base64url(sortedJson(claims))}`;
  const signature = createHmac("sha256", registrationSigningKey(options.applicationSecret, date))
    .update(input)
    .digest();
  return {
    token: `${input}.${base64url(signature)}`,
    format: "jwt",
    header,
    claims,
    expiresAt: isoFromMillis((iat + ttl) * 1000),
  };
}
