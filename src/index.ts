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
  looksLikeJwt,
  type NormalizedInput,
  normalizeTicketInput,
  type ReadInput,
  type ReadKind,
  readInput,
} from "./core/read.js";
export {
  type ApplicationKeyBytes,
  applicationKeyBytes,
  applicationSignature,
  contentMd5,
  EMPTY_BODY_MD5,
  type SignedRequest,
  type SignRequestOptions,
  type StringToSignParts,
  signApplicationRequest,
  stringToSign,
} from "./core/request/application.js";
export {
  CALLBACK_EVENTS,
  type CallbackCredentials,
  type CallbackEvent,
  type CallbackScheme,
  callbackEventName,
  isCallbackEvent,
  type SampleContext,
  type SignCallbackOptions,
  type SignedCallback,
  sampleBody,
  signCallback,
} from "./core/request/callbacks.js";
export type { RequestDiagnosis, RequestMistakeId } from "./core/request/diagnose.js";
export {
  headerValue,
  MAX_REQUEST_BYTES,
  type ParsedRequest,
  type ParseOptions,
  parseRequest,
  shellWords,
} from "./core/request/parse.js";
export { escapeNonAscii, type Reserialized, reserializations } from "./core/request/serialize.js";
export {
  DEFAULT_MAX_SKEW,
  malformedRequest,
  type RequestCheck,
  type RequestCheckName,
  type RequestScheme,
  type RequestVerifyResult,
  requestScheme,
  secretFor,
  type VerifyRequestOptions,
  verifyRequest,
} from "./core/request/verify.js";
export { visibleLine, visibleLines } from "./core/request/visible.js";
export {
  NUMBERS_HEADER,
  numbersSignature,
  signWebhook,
  WEBHOOK_HEADERS,
  type WebhookHeaders,
  webhookSignature,
  webhookSignedData,
} from "./core/request/webhook.js";
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
