/**
 * A request checked with the credentials at hand: the scheme's secret, and for an
 * application's request (signed, or carrying a user ticket) the profile chosen by the
 * key the request names, as for tickets. `request verify`, `callback listen` and inspect
 * all check a request this way.
 */

import { examine } from "../judge.js";
import { type Candidate, type Choice, chooseCandidates, judgeWithCandidates, type Keyring } from "../keyring.js";
import { readInput } from "../read.js";
import { headerValue, type ParsedRequest } from "./parse.js";
import {
  basicCredentials,
  type RequestVerifyResult,
  requestScheme,
  secretFor,
  type VerifyRequestOptions,
  verifyRequest,
} from "./verify.js";

export interface RequestCredentials {
  /** The application credentials (application-signed requests and user tickets), if any. */
  keyring: Keyring | null;
  /** The webhook secret (Conversation, SMS, Numbers), if any. */
  webhookSecret: string | null;
}

export type RequestCheckOptions = Omit<VerifyRequestOptions, "applicationSecret" | "applicationKey" | "webhookSecret">;

export type CheckedRequest =
  | {
      result: RequestVerifyResult;
      notes: string[];
      profile: string | null;
      /** The application key and secret the verdict was reached with (null for a webhook's). */
      candidate: Candidate | null;
    }
  /** No secret for the request's scheme is at hand. */
  | { missing: "application" | "webhook" }
  /** The profiles holding the request's key could not be read, or none holds it and none is the default. */
  | { problem: string };

/** The application key a request names: the Authorization's, or its user ticket's. */
export function requestApplicationKey(request: ParsedRequest): string | null {
  const authorization = headerValue(request, "authorization") ?? "";
  const scheme = requestScheme(request);
  if (scheme === "application") return /^\S+\s+([^\s:]+):/.exec(authorization.trim())?.[1] ?? null;
  if (scheme === "basic") return basicCredentials(request)?.key ?? null;
  if (scheme === "user") return examine(readInput(authorization.trim().replace(/^user\s+/i, ""))).applicationKey;
  return null;
}

export function checkRequest(
  request: ParsedRequest,
  credentials: RequestCredentials,
  options: RequestCheckOptions,
): CheckedRequest {
  const scheme = requestScheme(request);
  if (scheme === null) return { result: verifyRequest(request, options), notes: [], profile: null, candidate: null };
  if (secretFor(scheme) === "webhook") {
    if (!credentials.webhookSecret) return { missing: "webhook" };
    return {
      result: verifyRequest(request, { ...options, webhookSecret: credentials.webhookSecret }),
      notes: [],
      profile: null,
      candidate: null,
    };
  }
  if (!credentials.keyring) return { missing: "application" };
  const choice: Choice = chooseCandidates(credentials.keyring, requestApplicationKey(request));
  const chosen = judgeWithCandidates(
    choice,
    (c) => verifyRequest(request, { ...options, applicationSecret: c.secret, applicationKey: c.key }),
    "request",
  );
  if (chosen === null) return { problem: choice.problem ?? "no application credentials" };
  return { result: chosen.result, notes: chosen.notes, profile: chosen.candidate.profile, candidate: chosen.candidate };
}

/** A request line (`POST /path HTTP/1.1`) or a curl command, on the first line that is not blank. */
const REQUEST_START = /^\s*(?:(?:\$\s*)?curl\s|[A-Za-z]+ +(?:\/\S*|https?:\/\/\S+)(?: +HTTP\/\d(?:\.\d)?)? *\r?$)/m;
const SIGNATURE_HEADER = /(?:^|[\s'"])(?:authorization|x-sinch-webhook-signature|x-sinch-signature)\s*:/im;

/**
 * Whether pasted text is a signed request rather than a ticket: a request line or a curl
 * command at its start, and a signature header (Authorization, x-sinch-webhook-signature,
 * X-Sinch-Signature). A curl command or request holding a ticket elsewhere (a URL's query)
 * is read for the ticket.
 */
export function isRequestText(text: string): boolean {
  const first = text.trimStart().split("\n", 1)[0] ?? "";
  return REQUEST_START.test(first) && SIGNATURE_HEADER.test(text);
}
