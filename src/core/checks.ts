import { describeSpan } from "./describe.js";
import type { SecretInput } from "./secret.js";

export type CheckName = "format" | "applicationKey" | "signature" | "created" | "expiry";
export type VerifyCode = "valid" | "malformed" | "key_mismatch" | "bad_signature" | "expired" | "not_yet_valid";

export interface Check {
  name: CheckName;
  /** `null` when the check was skipped. */
  ok: boolean | null;
  detail: string;
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
  "wrong-application": "applicationKey",
} as const satisfies Record<string, CheckName>;

export type MistakeId = keyof typeof MISTAKE_CHECK;

/** A recognised mistake that explains a failure, with what to do about it. */
export interface Diagnosis {
  mistake: MistakeId;
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

/** Exit-code order of failures: the first failing one names the result. */
const CODE_ORDER: [CheckName, VerifyCode][] = [
  ["format", "malformed"],
  ["applicationKey", "key_mismatch"],
  ["signature", "bad_signature"],
  ["expiry", "expired"],
  ["created", "not_yet_valid"],
];

export function resultCode(checks: readonly Check[]): VerifyCode {
  // Plain loops: this runs for every line of a batch.
  for (const [name, code] of CODE_ORDER) {
    for (const check of checks) if (check.ok === false && check.name === name) return code;
  }
  return "valid";
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
      created: { name: "created", ok: null, detail: "skipped (--ignore-time)" },
      expiry: { name: "expiry", ok: null, detail: "skipped (--ignore-time)" },
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
    ahead > skewMs
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
  if (maxAge !== null) bounds.push([`--max-age ${describeSpan(maxAge * 1000)}`, issuedAt + maxAge * 1000]);
  let expiry: Check;
  if (bounds.length === 0) {
    expiry = { name: "expiry", ok: null, detail: `skipped: no ${args.expiryName} in the ticket and no --max-age` };
  } else {
    const [label, end] = bounds.reduce((a, b) => (b[1] < a[1] ? b : a));
    expiry =
      end < nowMs - skewMs
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
