/**
 * sinch-ticket as a library: make, read and verify Sinch user tickets. Pure functions
 * over plain data; nothing here touches the terminal, the environment or the process.
 */
export { base64Problem, decodeSecret, isStandardBase64 } from "./core/base64.js";
export {
  type Check,
  type CheckName,
  DEFAULT_CLOCK_SKEW,
  type Diagnosis,
  MISTAKE_CHECK,
  type MistakeId,
  type Verdict,
  type VerifyCode,
  type VerifyTicketOptions,
} from "./core/checks.js";
export {
  type CheckedEndpoint,
  checkEndpoint,
  checkIdentityType,
  IDENTITY_TYPES,
  type Identity,
  type IdentityType,
} from "./core/endpoint.js";
export { InvalidInputError, MalformedTicketError, TicketError, type TicketErrorCode } from "./core/errors.js";
export { newtonsoftString } from "./core/json-text.js";
export { type Description, describe, type Examined, examine, judge, verdict } from "./core/judge.js";
export {
  type Damage,
  type InputKind,
  looksLikeJwt,
  type NormalizedInput,
  normalizeTicketInput,
  type ReadInput,
  readInput,
} from "./core/read.js";
export type { SecretInput } from "./core/secret.js";
export { type DecodedTicket, decodeTicket } from "./core/ticket/decode.js";
export { inspectTicket, SIGNATURE_BYTES, type TicketInspection } from "./core/ticket/inspect.js";
export {
  CREATED_DIGITS,
  type DetectedStyle,
  detectStyle,
  JS_DEFAULT_EXPIRES_IN,
  TICKET_STYLES,
  type TicketFields,
  type TicketStyle,
  ticketJson,
} from "./core/ticket/layout.js";
export { readPayload, type TicketContent } from "./core/ticket/payload.js";
export {
  type CreatedTicket,
  type CreateTicketOptions,
  createTicket,
  signTicketJson,
  ticketSignature,
} from "./core/ticket/sign.js";
export { type VerifyResult, verifyTicket } from "./core/ticket/verify.js";
export { formatUtc, type PreciseTime, parseDuration, parseTime } from "./core/time.js";
export {
  type DecodedRegistrationToken,
  decodeRegistrationToken,
  INSTANCE_MIN_LIFETIME,
  inspectRegistrationToken,
  JWT_DEFAULT_TTL,
  JWT_MIN_TTL,
  registrationSigningKey,
  sortedJson,
  type TokenInspection,
} from "./core/token/format.js";
export { createRegistrationToken, type RegistrationToken, type RegistrationTokenOptions } from "./core/token/sign.js";
export { type TokenVerifyResult, type VerifyTokenOptions, verifyRegistrationToken } from "./core/token/verify.js";
