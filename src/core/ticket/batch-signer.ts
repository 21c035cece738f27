import { createHmac } from "node:crypto";
import { type IdentityType, isIdentityType, validateEndpoint } from "../endpoint.js";
import { InvalidInputError } from "../errors.js";
import { jsString, newtonsoftString } from "../json-text.js";
import { type SecretInput, secretKey } from "../secret.js";
import { formatUtc, fromMillis, type PreciseTime } from "../time.js";
import { CREATED_DIGITS, JS_DEFAULT_EXPIRES_IN, type TicketStyle } from "./layout.js";

export interface TicketSignerOptions {
  applicationKey: string;
  applicationSecret: SecretInput;
  style?: TicketStyle;
  /** One `created` for every ticket (default: `now`). */
  created?: PreciseTime;
  now?: Date;
  expiresIn?: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that need escaping
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u0085\u2028\u2029\ud800-\udfff]/;

/**
 * Signs many tickets with the same key, layout and time: the parts of the JSON that do not
 * change are written once, and ordinary endpoints skip escaping. Every ticket is
 * byte-identical to `createTicket` with the same options.
 */
export class TicketSigner {
  private readonly key: Uint8Array;
  private readonly head: string;
  private readonly tail: string;
  private readonly quote: (value: string) => string;
  readonly created: string;

  constructor(options: TicketSignerOptions) {
    if (!options.applicationKey) throw new InvalidInputError("invalid_key", "the application key is empty");
    const style = options.style ?? "dotnet";
    this.key = secretKey(options.applicationSecret);
    this.created = formatUtc(
      options.created ?? fromMillis((options.now ?? new Date()).getTime()),
      CREATED_DIGITS[style],
    );
    const expiresIn = options.expiresIn ?? (style === "js" ? JS_DEFAULT_EXPIRES_IN : null);
    if (expiresIn !== null && (!Number.isSafeInteger(expiresIn) || expiresIn < 0)) {
      throw new InvalidInputError("invalid_duration", "expiresIn must be a whole number of seconds, 0 or more");
    }
    const expires = expiresIn === null ? "" : `,"expiresIn":${expiresIn}`;
    const s = style === "js" ? jsString : newtonsoftString;
    this.quote = (value) => (NEEDS_ESCAPE.test(value) ? s(value) : `"${value}"`);
    const key = s(options.applicationKey);
    const created = s(this.created);
    if (style === "dotnet") {
      this.head = `{"identity":{"type":`;
      this.tail = `},"applicationkey":${key},"created":${created}${expires}}`;
    } else {
      this.head = `{"applicationKey":${key},"identity":{"type":`;
      this.tail = `},"created":${created}${expires}}`;
    }
  }

  /** The ticket for an identity whose endpoint has already been checked. */
  signChecked(type: IdentityType, endpoint: string): string {
    const json = Buffer.from(`${this.head}"${type}","endpoint":${this.quote(endpoint)}${this.tail}`, "utf8");
    return `${json.toString("base64")}:${createHmac("sha256", this.key).update(json).digest("base64")}`;
  }

  /** Checks the identity, normalising a phone number; returns the endpoint to sign. */
  static check(type: string, endpoint: string): string {
    if (!isIdentityType(type)) {
      throw new InvalidInputError(
        "invalid_identity_type",
        `'${type}' is not an identity type: use username, email or number`,
      );
    }
    return validateEndpoint(type, endpoint);
  }

  /** Checks the endpoint (normalising a phone number), then signs. */
  sign(type: string, endpoint: string): { endpoint: string; userTicket: string } {
    const checked = TicketSigner.check(type, endpoint);
    return { endpoint: checked, userTicket: this.signChecked(type as IdentityType, checked) };
  }
}
