/**
 * Typed errors with a stable string `code`. The CLI maps codes to exit codes; library
 * users can switch on `code` without parsing messages.
 */
export type TicketErrorCode =
  | "malformed"
  | "invalid_secret"
  | "invalid_key"
  | "invalid_endpoint"
  | "invalid_identity_type"
  | "invalid_time"
  | "invalid_duration"
  | "invalid_payload"
  | "invalid_option";

export class TicketError extends Error {
  readonly code: TicketErrorCode;
  constructor(code: TicketErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TicketError";
    this.code = code;
  }
}

/**
 * The input is not a well-formed ticket or token; the message says exactly what is wrong.
 * When only the signature is damaged, `decoded` holds what the data says (a
 * `DecodedTicket`, its first warning naming the damage).
 */
export class MalformedTicketError extends TicketError {
  readonly decoded?: object;
  constructor(message: string, options?: { cause?: unknown; decoded?: object }) {
    super("malformed", message, options);
    this.name = "MalformedTicketError";
    if (options?.decoded) this.decoded = options.decoded;
  }
}

/** An argument to one of the core functions is not acceptable (bad endpoint, time, secret...). */
export class InvalidInputError extends TicketError {
  constructor(code: Exclude<TicketErrorCode, "malformed">, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "InvalidInputError";
  }
}
