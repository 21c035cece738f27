import { createHmac, randomUUID } from "node:crypto";
import { InvalidInputError } from "../errors.js";
import type { SecretInput } from "../secret.js";
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

/** Unicode's control characters (general category Cc): C0, DEL and C1. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export interface TokenSignerOptions {
  applicationKey: string;
  applicationSecret: SecretInput;
  /** The `iat` of every token. */
  now: Date;
  /** Seconds until `exp` (default 600, at least 60). */
  ttl?: number;
  /** Seconds after `iat` for `sinch:rtc:instance:exp` (at least 48 hours). */
  instanceExpiresIn?: number;
}

/**
 * Signs registration tokens with one key, `iat` and lifetime: `createRegistrationToken` and
 * `sign --format jwt --batch` sign through it. The signing key, the header and the claims
 * that do not change are made once; each token adds its user id and nonce.
 */
export class TokenSigner {
  private readonly key: Uint8Array;
  private readonly head: string;
  /** The sorted claims before `nonce`, and between `nonce` and `sub`. */
  private readonly before: string;
  private readonly between: string;
  private readonly subPrefix: string;
  readonly header: Record<string, unknown>;
  readonly iat: number;
  readonly exp: number;
  readonly instanceExp: number | null;

  constructor(options: TokenSignerOptions) {
    const { applicationKey } = options;
    if (!applicationKey) throw new InvalidInputError("invalid_key", "the application key is empty");
    const ttl = options.ttl ?? JWT_DEFAULT_TTL;
    if (!Number.isSafeInteger(ttl) || ttl < JWT_MIN_TTL) {
      throw new InvalidInputError("invalid_duration", `the token lifetime must be at least ${JWT_MIN_TTL} seconds`);
    }
    const instance = options.instanceExpiresIn;
    if (instance !== undefined && (!Number.isSafeInteger(instance) || instance < INSTANCE_MIN_LIFETIME)) {
      throw new InvalidInputError("invalid_duration", "the instance expiry must be at least 48 hours after iat");
    }
    const nowMs = options.now.getTime();
    if (Number.isNaN(nowMs)) throw new InvalidInputError("invalid_time", "now is an invalid Date");
    this.iat = Math.floor(nowMs / 1000);
    this.exp = this.iat + ttl;
    this.instanceExp = instance === undefined ? null : this.iat + instance;
    const date = utcDate(this.iat * 1000);
    this.header = { alg: "HS256", kid: `hkdfv1-${date}` };
    this.head = `${base64url(sortedJson(this.header))}.`;
    this.key = registrationSigningKey(options.applicationSecret, date);
    const iss = `${ISS_PREFIX}${applicationKey}`;
    // Sorted keys: exp, iat, iss, nonce, sinch:rtc:instance:exp, sub.
    this.before = `{"exp":${this.exp},"iat":${this.iat},"iss":${JSON.stringify(iss)},"nonce":`;
    this.between = this.instanceExp === null ? `,"sub":` : `,"sinch:rtc:instance:exp":${this.instanceExp},"sub":`;
    this.subPrefix = `${iss}/users/`;
  }

  /** Refuses a user id no token can carry; returns it unchanged. */
  static check(userId: string): string {
    if (typeof userId !== "string" || userId === "")
      throw new InvalidInputError("invalid_endpoint", "the user id is empty");
    if (CONTROL.test(userId))
      throw new InvalidInputError("invalid_endpoint", "the user id contains a control character");
    return userId;
  }

  /** The claims of a user's token, as an object. */
  claims(userId: string, nonce: string): Record<string, unknown> {
    return {
      iss: this.subPrefix.slice(0, -"/users/".length),
      sub: `${this.subPrefix}${userId}`,
      iat: this.iat,
      exp: this.exp,
      nonce,
      ...(this.instanceExp !== null ? { "sinch:rtc:instance:exp": this.instanceExp } : {}),
    };
  }

  /** The token for a user id already checked; a random UUID nonce unless given. */
  signChecked(userId: string, nonce?: string): string {
    // A random UUID needs no escaping; a given nonce is written as JSON writes it.
    const quoted = nonce === undefined ? `"${randomUUID()}"` : JSON.stringify(nonce);
    const claims = `${this.before}${quoted}${this.between}${JSON.stringify(`${this.subPrefix}${userId}`)}}`;
    const input = `${this.head}${Buffer.from(claims, "utf8").toString("base64url")}`;
    return `${input}.${createHmac("sha256", this.key).update(input).digest("base64url")}`;
  }
}
