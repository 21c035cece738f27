import { InvalidInputError } from "../errors.js";
import { formatUtc, fromMillis } from "../time.js";
import { signApplicationRequest } from "./application.js";
import { headerValue, type ParsedRequest } from "./parse.js";
import { type RequestScheme, requestScheme } from "./verify.js";
import { NUMBERS_HEADER, numbersSignature, signWebhook, WEBHOOK_HEADERS } from "./webhook.js";

export interface ResignCredentials {
  applicationKey?: string | null;
  applicationSecret?: string | Uint8Array | null;
  webhookSecret?: string | null;
}

export interface ResignOptions {
  credentials: ResignCredentials;
  now: Date;
  /** The webhook nonce (random in `callback replay`). */
  nonce: string;
}

/** A request signed again: method, path, query and body as captured; fresh signature headers. */
export interface ResignedRequest {
  scheme: "application" | "webhook" | "numbers";
  method: string;
  /** Path and query, exactly as captured. */
  target: string;
  headers: [string, string][];
  body: Uint8Array;
  /** The signature values in `headers` (for masking where they are printed). */
  signatures: string[];
}

/** Headers that belong to one connection or one encoding of the body, not to the request. */
const HOP_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "expect"]);

function credentialError(scheme: string, what: string): InvalidInputError {
  return new InvalidInputError("invalid_secret", `a ${scheme} callback is signed with ${what}`);
}

/** Why a request with `Authorization: Basic` is not replayed. */
export const BASIC_REFUSED =
  "the capture carries Authorization: Basic, the application key and secret themselves, which no callback from Sinch carries: there is no signature to make again, and its credentials are not sent on";

/**
 * Signs a captured callback again as Sinch would sign it now: a fresh `x-timestamp` for
 * the application scheme (seven fraction digits, as Sinch's callbacks carry), a fresh
 * nonce and timestamp for a Conversation/SMS webhook, the Numbers signature over the same
 * body. Method, path, query, body and the other headers stay as captured, in their order;
 * Host, Content-Length and Transfer-Encoding are the sender's to write.
 */
export function resignRequest(request: ParsedRequest, options: ResignOptions): ResignedRequest {
  const scheme: RequestScheme | null = requestScheme(request);
  if (scheme === null || scheme === "user" || scheme === "basic") {
    throw new InvalidInputError(
      "invalid_option",
      scheme === "user"
        ? "the request is signed with a user ticket (Authorization: User), which no callback carries"
        : scheme === "basic"
          ? BASIC_REFUSED
          : "the request carries no callback signature (Authorization: Application, x-sinch-webhook-signature or X-Sinch-Signature)",
    );
  }
  const target = request.query === null ? request.path : `${request.path}?${request.query}`;
  const body = request.body;
  const fresh = new Map<string, string>();
  const { applicationKey, applicationSecret, webhookSecret } = options.credentials;
  if (scheme === "application") {
    if (!applicationKey || !applicationSecret)
      throw credentialError("application-signed", "the application key and secret");
    const timestamp = formatUtc(fromMillis(options.now.getTime()), 7);
    const signed = signApplicationRequest({
      applicationKey,
      applicationSecret,
      method: request.method,
      resource: request.path,
      body,
      contentType: headerValue(request, "content-type") ?? "",
      timestamp,
    });
    // The scheme word keeps its captured case ("application", as Sinch's callbacks write it).
    const word = /^\S+/.exec(headerValue(request, "authorization") ?? "")?.[0] ?? "application";
    fresh.set("x-timestamp", timestamp);
    fresh.set("authorization", signed.authorization.replace(/^Application/, word));
  } else {
    if (!webhookSecret) throw credentialError(scheme === "webhook" ? "webhook" : "Numbers", "the webhook secret");
    if (scheme === "webhook") {
      const signed = signWebhook(webhookSecret, body, options.nonce, String(Math.floor(options.now.getTime() / 1000)));
      for (const [name, value] of Object.entries(signed)) fresh.set(name, value);
    } else {
      fresh.set(NUMBERS_HEADER, numbersSignature(webhookSecret, body));
    }
  }
  const headers: [string, string][] = [];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (HOP_HEADERS.has(lower)) continue;
    const replaced = fresh.get(lower);
    if (replaced === undefined) headers.push([name, value]);
    else if (!headers.some(([n]) => n.toLowerCase() === lower)) headers.push([name, replaced]);
  }
  for (const [name, value] of fresh) {
    if (!headers.some(([n]) => n.toLowerCase() === name)) headers.push([name, value]);
  }
  const authorization = fresh.get("authorization");
  const signatures =
    authorization !== undefined
      ? [authorization.slice(authorization.lastIndexOf(":") + 1)]
      : [fresh.get(scheme === "webhook" ? WEBHOOK_HEADERS.signature : NUMBERS_HEADER) as string];
  return { scheme, method: request.method, target, headers, body, signatures };
}
