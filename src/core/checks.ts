import { describeSpan } from "./describe.js";
import type { SecretInput } from "./secret.js";

/**
 * The checks of every scheme: a ticket or token has `created` and `expiry`; a signed
 * request or webhook has `timestamp` (the signed time within a window either way).
 */
export type CheckName = "format" | "applicationKey" | "signature" | "created" | "expiry" | "timestamp";

import type { VerifyCode } from "./codes.js";

export type { VerifyCode };

export interface Check {
  name: CheckName;
  /** `null` when the check was skipped. */
  ok: boolean | null;
  detail: string;
  /**
   * The result a failure of this check means, where its name does not say it: a
   * `timestamp` too old is `expired`, one in the future `not_yet_valid`. Not shown.
   */
  failure?: VerifyCode;
}

/** The mistake ids of the command-line contract, each with the check it explains. */
export const MISTAKE_CHECK = {
  "plus-as-space": "format",
  "percent-encoded": "format",
  base64url: "format",
  "line-wrapped": "format",
  "hex-signature": "format",
  "stripped-digest": "format",
  truncated: "format",
  "invisible-character": "format",
  "mac-over-base64": "signature",
  "secret-not-decoded": "signature",
  "latin1-data": "signature",
  "non-utf8-mac": "signature",
  "kid-date": "signature",
  unsigned: "format",
  "wrong-application": "applicationKey",
} as const satisfies Record<string, CheckName>;

/** The mistakes of signed requests and webhooks, each found by trying it: all explain the signature. */
export const REQUEST_MISTAKE_CHECK = {
  "body-reserialized": "signature",
  "content-type-differs": "signature",
  "query-in-resource": "signature",
  "query-dropped": "signature",
  "path-prefix": "signature",
  "timestamp-differs": "signature",
  "md5-empty": "signature",
  "md5-of-empty-body": "signature",
  "secret-not-decoded": "signature",
  "path-encoding": "signature",
  "query-order": "signature",
  "body-newline": "signature",
} as const satisfies Record<string, CheckName>;

/** The mistakes a ticket or token can show. */
export type MistakeId = keyof typeof MISTAKE_CHECK;
export type RequestMistakeId = keyof typeof REQUEST_MISTAKE_CHECK;

/** The check a mistake of any scheme explains: where a view shows it. */
export function checkExplained(mistake: MistakeId | RequestMistakeId): CheckName {
  return mistake in MISTAKE_CHECK
    ? MISTAKE_CHECK[mistake as MistakeId]
    : REQUEST_MISTAKE_CHECK[mistake as RequestMistakeId];
}

/** A recognised mistake that explains a failure, with what to do about it. */
export interface Diagnosis<Id extends string = MistakeId> {
  mistake: Id;
  detail: string;
  /**
   * For damage that can be undone mechanically, with a secret at hand: whether the ticket
   * with that damage undone has a matching signature (signed correctly, damaged on the way).
   */
  repairedVerifies?: boolean;
}

/** What a judge decides about a ticket or token: each check, the result code, the mistakes seen. */
export interface Verdict {
  valid: boolean;
  code: VerifyCode;
  checks: Check[];
  diagnosis: Diagnosis[];
}

export interface VerifyTicketOptions {
  /** The application secret as Sinch shows it (base64), or its decoded bytes. */
  applicationSecret: SecretInput;
  /** The expected application key; the check is skipped when absent. */
  applicationKey?: string | null;
  /** Verify as of this time. Defaults to the system clock. */
  now?: Date;
  /** Seconds of tolerance for clocks that disagree (default 300). */
  clockSkew?: number;
  /** Seconds after `created` when the ticket is no longer accepted (no default). */
  maxAge?: number | null;
  /** Skip the `created` and `expiry` checks. */
  ignoreTime?: boolean;
}

export const DEFAULT_CLOCK_SKEW = 300;

/** The result a failed check means, by its name (see `Check.failure`). */
const FAILURE: Record<CheckName, VerifyCode> = {
  format: "malformed",
  applicationKey: "key_mismatch",
  signature: "bad_signature",
  expiry: "expired",
  timestamp: "expired",
  created: "not_yet_valid",
};

/** The contract's order: when several checks fail, the first of these names the result. */
const CODE_ORDER: readonly VerifyCode[] = ["malformed", "key_mismatch", "bad_signature", "expired", "not_yet_valid"];

/** The one result code of every scheme's checks. */
export function resultCode(checks: readonly Check[]): VerifyCode {
  // Plain loops: this runs for every line of a batch.
  let first = CODE_ORDER.length;
  for (const check of checks) {
    if (check.ok !== false) continue;
    const at = CODE_ORDER.indexOf(check.failure ?? FAILURE[check.name]);
    if (at < first) first = at;
  }
  return first === CODE_ORDER.length ? "valid" : (CODE_ORDER[first] as VerifyCode);
}

/** A check as printed (`--json`): its name, outcome and words. */
export function shownCheck({ name, ok, detail }: Check): Pick<Check, "name" | "ok" | "detail"> {
  return { name, ok, detail };
}

/**
 * Where an instant lies against now, with `skewMs` of tolerance either way: the one
 * time-window rule of every scheme. `spanMs` is how far from now it is.
 */
export function windowOf(
  atMs: number,
  nowMs: number,
  skewMs: number,
): { side: "past" | "future" | "within"; spanMs: number } {
  const delta = atMs - nowMs;
  if (delta > skewMs) return { side: "future", spanMs: delta };
  if (-delta > skewMs) return { side: "past", spanMs: -delta };
  return { side: "within", spanMs: Math.abs(delta) };
}

/**
 * The `timestamp` check of a signed request or webhook: the signed time within `skewSeconds`
 * of now, either way (a replay, or a clock that is off, otherwise).
 */
export function timestampCheck(args: {
  signedAt: number | null;
  label: string;
  now: Date;
  skewSeconds: number;
  ignoreTime: boolean;
}): Check {
  if (args.ignoreTime) return { name: "timestamp", ok: null, detail: "skipped (time checks turned off)" };
  if (args.signedAt === null) return { name: "timestamp", ok: null, detail: "skipped: the time could not be read" };
  const skewMs = args.skewSeconds * 1000;
  const { side, spanMs } = windowOf(args.signedAt, args.now.getTime(), skewMs);
  const allowed = `the ${describeSpan(skewMs)} allowed`;
  if (side === "past") {
    return {
      name: "timestamp",
      ok: false,
      failure: "expired",
      detail: `${args.label} is ${describeSpan(spanMs)} old, beyond ${allowed}: a replay, or a clock that is off`,
    };
  }
  if (side === "future") {
    return {
      name: "timestamp",
      ok: false,
      failure: "not_yet_valid",
      detail: `${args.label} is ${describeSpan(spanMs)} in the future, beyond ${allowed}`,
    };
  }
  const ahead = args.signedAt > args.now.getTime();
  const detail =
    spanMs < 1000
      ? `${args.label} is now`
      : `${args.label} is ${describeSpan(spanMs)} ${ahead ? "ahead" : "old"}, within ${allowed}`;
  return { name: "timestamp", ok: true, detail };
}

export { macMatches } from "./compare.js";

interface TimeChecks {
  created: Check;
  expiry: Check;
}

/**
 * The `created` and `expiry` checks, shared by tickets and tokens. Times in milliseconds;
 * `expiresAt` and `maxAgeEnd` are null when the token or the options set no bound.
 */
export function timeChecks(args: {
  issuedAt: number | null;
  expiresAt: number | null;
  options: Pick<VerifyTicketOptions, "maxAge" | "clockSkew" | "ignoreTime">;
  now: Date;
  issuedName: string;
  expiryName: string;
}): TimeChecks {
  const { issuedAt, now } = args;
  const clockSkew = args.options.clockSkew ?? DEFAULT_CLOCK_SKEW;
  const ignoreTime = args.options.ignoreTime ?? false;
  const maxAge = args.options.maxAge ?? null;
  if (ignoreTime) {
    return {
      created: { name: "created", ok: null, detail: "skipped (time checks turned off)" },
      expiry: { name: "expiry", ok: null, detail: "skipped (time checks turned off)" },
    };
  }
  if (issuedAt === null) {
    const detail = "skipped: the time could not be read";
    return { created: { name: "created", ok: null, detail }, expiry: { name: "expiry", ok: null, detail } };
  }
  const nowMs = now.getTime();
  const skewMs = clockSkew * 1000;
  const ahead = issuedAt - nowMs;
  const created: Check =
    windowOf(issuedAt, nowMs, skewMs).side === "future"
      ? {
          name: "created",
          ok: false,
          detail: `${args.issuedName} is ${describeSpan(ahead)} in the future, beyond the ${describeSpan(skewMs)} clock skew allowed`,
        }
      : {
          name: "created",
          ok: true,
          detail:
            Math.abs(ahead) < 1000
              ? "just now"
              : ahead > 0
                ? `${describeSpan(ahead)} ahead, within the clock skew`
                : `${describeSpan(-ahead)} ago`,
        };

  const bounds: [string, number][] = [];
  if (args.expiresAt !== null) bounds.push([args.expiryName, args.expiresAt]);
  if (maxAge !== null) bounds.push([`maximum age ${describeSpan(maxAge * 1000)}`, issuedAt + maxAge * 1000]);
  let expiry: Check;
  if (bounds.length === 0) {
    expiry = {
      name: "expiry",
      ok: null,
      detail: `skipped: no ${args.expiryName} in the ticket and no maximum age given`,
    };
  } else {
    const [label, end] = bounds.reduce((a, b) => (b[1] < a[1] ? b : a));
    expiry =
      windowOf(end, nowMs, skewMs).side === "past"
        ? { name: "expiry", ok: false, detail: `expired ${describeSpan(nowMs - end)} ago (${label})` }
        : {
            name: "expiry",
            ok: true,
            detail:
              end >= nowMs
                ? `expires in ${describeSpan(end - nowMs)} (${label})`
                : `expired ${describeSpan(nowMs - end)} ago, within the clock skew (${label})`,
          };
  }
  return { created, expiry };
}
