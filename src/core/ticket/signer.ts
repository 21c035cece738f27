import { createHmac } from "node:crypto";
import { checkIdentityType, type IdentityType, validateEndpoint } from "../endpoint.js";
import { InvalidInputError } from "../errors.js";
import { type SecretInput, secretKey } from "../secret.js";
import { formatUtc, fromMillis, type PreciseTime } from "../time.js";
import { CREATED_DIGITS, JS_DEFAULT_EXPIRES_IN, type TicketStyle, ticketFrame } from "./layout.js";

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
 * Signs tickets with one key, layout and time: `createTicket`, `sign --batch` and
 * `serve` all sign through it. The parts of the JSON that do not change are written once,
 * and ordinary endpoints skip escaping.
 */
export class TicketSigner {
  private readonly key: Uint8Array;
  private readonly head: string;
  private readonly tail: string;
  private readonly quote: (value: string) => string;
  readonly style: TicketStyle;
  /** `created` as the layout writes it. */
  readonly created: string;
  readonly expiresIn: number | null;

  constructor(options: TicketSignerOptions) {
    if (typeof options.applicationKey !== "string" || options.applicationKey === "") {
      throw new InvalidInputError("invalid_key", "the application key is empty");
    }
    const style = options.style ?? "dotnet";
    if (style !== "dotnet" && style !== "js") {
      throw new InvalidInputError("invalid_option", `'${String(style)}' is not a ticket style: use dotnet or js`);
    }
    const expiresIn = options.expiresIn ?? (style === "js" ? JS_DEFAULT_EXPIRES_IN : null);
    if (expiresIn !== null && (!Number.isSafeInteger(expiresIn) || expiresIn < 0)) {
      throw new InvalidInputError("invalid_duration", "expiresIn must be a whole number of seconds, 0 or more");
    }
    this.key = secretKey(options.applicationSecret);
    this.style = style;
    this.expiresIn = expiresIn;
    this.created = formatUtc(
      options.created ?? fromMillis((options.now ?? new Date()).getTime()),
      CREATED_DIGITS[style],
    );
    const frame = ticketFrame(style, { applicationKey: options.applicationKey, created: this.created, expiresIn });
    this.head = frame.head;
    this.tail = frame.tail;
    this.quote = (value) => (NEEDS_ESCAPE.test(value) ? frame.quote(value) : `"${value}"`);
  }

  /** The JSON text of the ticket for an identity whose endpoint has already been checked. */
  json(type: IdentityType, endpoint: string): string {
    return `${this.head}"${type}","endpoint":${this.quote(endpoint)}${this.tail}`;
  }

  /** The ticket for an identity whose endpoint has already been checked. */
  signChecked(type: IdentityType, endpoint: string): string {
    const json = Buffer.from(this.json(type, endpoint), "utf8");
    return `${json.toString("base64")}:${createHmac("sha256", this.key).update(json).digest("base64")}`;
  }

  /** Checks the identity, normalising a phone number; returns the endpoint to sign. */
  static check(type: string, endpoint: string): string {
    return validateEndpoint(checkIdentityType(type), endpoint);
  }

  /** Checks the endpoint (normalising a phone number), then signs. */
  sign(type: string, endpoint: string): { endpoint: string; userTicket: string } {
    const checked = TicketSigner.check(type, endpoint);
    return { endpoint: checked, userTicket: this.signChecked(type as IdentityType, checked) };
  }
}
