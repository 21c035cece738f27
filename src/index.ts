/**
 * sinch-ticket as a library: make, read and verify Sinch user tickets. Pure functions
 * over plain data; nothing here touches the terminal, the environment or the process.
 */
export { base64Problem, decodeSecret, isStandardBase64 } from "./core/base64.js";
export {
  type DecodedTicket,
  decodeTicket,
  inspectTicket,
  looksLikeJwt,
  SIGNATURE_BYTES,
  type TicketInspection,
} from "./core/decode.js";
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
export {
  createRegistrationToken,
  type DecodedRegistrationToken,
  decodeRegistrationToken,
  INSTANCE_MIN_LIFETIME,
  inspectRegistrationToken,
  JWT_DEFAULT_TTL,
  JWT_MIN_TTL,
  type RegistrationToken,
  type RegistrationTokenOptions,
  registrationSigningKey,
  sortedJson,
  type TokenInspection,
  type TokenVerifyResult,
  type VerifyTokenOptions,
  verifyRegistrationToken,
} from "./core/jwt.js";
export {
  CREATED_DIGITS,
  type DetectedStyle,
  detectStyle,
  JS_DEFAULT_EXPIRES_IN,
  TICKET_STYLES,
  type TicketFields,
  type TicketStyle,
  ticketJson,
} from "./core/layout.js";
export { type NormalizedInput, normalizeTicketInput } from "./core/normalize.js";
export { readPayload, type TicketContent } from "./core/payload.js";
export {
  type CreatedTicket,
  type CreateTicketOptions,
  createTicket,
  type SecretInput,
  signTicketJson,
  ticketSignature,
} from "./core/ticket.js";
export { formatUtc, type PreciseTime, parseDuration, parseTime } from "./core/time.js";
export {
  type Check,
  type CheckName,
  DEFAULT_CLOCK_SKEW,
  type Diagnosis,
  type VerifyCode,
  type VerifyResult,
  type VerifyTicketOptions,
  verifyTicket,
} from "./core/verify.js";
