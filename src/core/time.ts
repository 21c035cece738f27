import { describeFromNow } from "./describe.js";
import { InvalidInputError } from "./errors.js";

/**
 * A point in time that keeps the fraction digits it was written with, so that a
 * `created` value of `...32.9417605Z` survives unchanged (Date has only milliseconds).
 */
export interface PreciseTime {
  /** Whole seconds since the Unix epoch (UTC). */
  readonly seconds: number;
  /** Fraction-of-second digits as written (may be empty). */
  readonly fraction: string;
}

const UNITS: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses `3600`, `90s`, `15m`, `1h`, `2d` or sums such as `1h30m`; returns whole seconds.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  let seconds: number | undefined;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    const match = DURATION.exec(trimmed);
    if (match && trimmed !== "") {
      const [, d, h, m, s] = match;
      seconds = Number(d ?? 0) * UNITS.d! + Number(h ?? 0) * UNITS.h! + Number(m ?? 0) * UNITS.m! + Number(s ?? 0);
    }
  }
  if (seconds === undefined || !Number.isSafeInteger(seconds)) {
    throw new InvalidInputError(
      "invalid_duration",
      `'${text}' is not a duration: use seconds (3600) or units such as 90s, 15m, 1h, 2d, 1h30m`,
    );
  }
  return seconds;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** Components of an ISO 8601 date-time; `offsetMinutes` is null when no zone was written. */
export interface IsoParts {
  readonly seconds: number;
  readonly fraction: string;
  readonly offsetMinutes: number | null;
}

/** Parses an ISO 8601 date-time (zone optional); returns null when the text is not one. */
export function parseIsoParts(text: string): IsoParts | null {
  const m = ISO_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = "", z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // A real calendar date and time of day, checked by arithmetic (no Date to build: this
  // runs for every line of a batch).
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  // Date.UTC reads years 0-99 as 1900-1999: those go through a Date.
  const epochMs =
    year >= 100
      ? Date.UTC(year, month - 1, day, hour, minute, second)
      : new Date(0).setUTCFullYear(year, month - 1, day) + ((hour * 60 + minute) * 60 + second) * 1000;
  let offsetMinutes: number | null = null;
  if (z) offsetMinutes = 0;
  else if (sign) {
    if (Number(oh) > 23 || Number(om) > 59) return null;
    offsetMinutes = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  return {
    seconds: epochMs / 1000 - (offsetMinutes ?? 0) * 60,
    fraction: frac,
    offsetMinutes,
  };
}

/**
 * Parses a time given by a user: ISO 8601 with a zone (`Z` or `+hh:mm`), or a signed
 * duration relative to `now` (`-2h`, `+30m`). A time without a zone is refused.
 */
export function parseTime(text: string, now: Date): PreciseTime {
  const trimmed = text.trim();
  if (/^[+-]/.test(trimmed)) {
    let seconds: number;
    try {
      seconds = parseDuration(trimmed.slice(1));
    } catch {
      throw new InvalidInputError(
        "invalid_time",
        `'${text}' is not a relative time: use a sign and a duration, such as -2h or +30m`,
      );
    }
    return inRange(text, fromMillis(now.getTime() + (trimmed[0] === "-" ? -1 : 1) * seconds * 1000));
  }
  const parts = parseIsoParts(trimmed);
  if (!parts) {
    throw new InvalidInputError(
      "invalid_time",
      `'${text}' is not a time: use ISO 8601 with a zone (2026-01-02T03:04:05Z, +02:00) or a relative time (-2h)`,
    );
  }
  if (parts.offsetMinutes === null) {
    throw new InvalidInputError(
      "invalid_time",
      `'${text}' has no time zone: add Z for UTC or an offset such as +02:00`,
    );
  }
  return inRange(text, { seconds: parts.seconds, fraction: parts.fraction });
}

/** `time`, when it is an instant within the years 0001-9999; else the error naming `text`. */
function inRange(text: string, time: PreciseTime): PreciseTime {
  if (!isInstant(time.seconds * 1000)) {
    throw new InvalidInputError("invalid_time", `'${text}' is outside the years 0001-9999`);
  }
  return time;
}

export function fromMillis(ms: number): PreciseTime {
  const seconds = Math.floor(ms / 1000);
  const millis = ms - seconds * 1000;
  return { seconds, fraction: String(millis).padStart(3, "0") };
}

export function toMillis(time: PreciseTime): number {
  return time.seconds * 1000 + Number(time.fraction.slice(0, 3).padEnd(3, "0"));
}

/**
 * Writes `time` as UTC ISO 8601 with exactly `digits` fraction digits and `Z`: 7 digits is
 * .NET's round-trip "O" format, 3 is `Date.prototype.toISOString()`. Fewer digits than
 * given are padded with zeros; more than `digits` are refused rather than rounded.
 */
export function formatUtc(time: PreciseTime, digits: number): string {
  if (time.fraction.length > digits) {
    throw new InvalidInputError(
      "invalid_time",
      `the time has ${time.fraction.length} fraction digits; this layout takes at most ${digits}`,
    );
  }
  const base = new Date(time.seconds * 1000).toISOString().slice(0, 19);
  if (base.startsWith("+") || base.startsWith("-")) {
    throw new InvalidInputError("invalid_time", "the time is outside the years 0001-9999");
  }
  return digits === 0 ? `${base}Z` : `${base}.${time.fraction.padEnd(digits, "0")}Z`;
}

/** 0001-01-01T00:00:00.000Z: the earliest instant read from input. */
export const EARLIEST_INSTANT_MS = -62_135_596_800_000;
/** 9999-12-31T23:59:59.999Z: the latest instant read from input. */
export const LATEST_INSTANT_MS = 253_402_300_799_999;

/** Whether `ms` is an instant within the years 0001-9999 (the only ones read from input). */
export function isInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS;
}

/**
 * The one check on a time that came from input: null when `ms` is an instant within the
 * years 0001-9999, else the problem, naming the field (`'exp' (9000000000000) is outside
 * the years 0001-9999`). `written` is the value as given, shown in the message.
 */
export function instantProblem(field: string, ms: number, written: string): string | null {
  if (isInstant(ms)) return null;
  return `'${field}' (${written.length > 40 ? `${written.slice(0, 40)}...` : written}) is outside the years 0001-9999`;
}

/**
 * Reads whole seconds since the Unix epoch (a JWT's `iat`/`exp`, a webhook timestamp):
 * the instant in milliseconds, or the problem naming `field`.
 */
export function readUnixSeconds(field: string, seconds: number): { ms: number } | { problem: string } {
  const ms = seconds * 1000;
  const problem = instantProblem(field, ms, String(seconds));
  return problem === null ? { ms } : { problem };
}

/**
 * Milliseconds to ISO 8601 UTC, as `toISOString` writes it. An instant outside the years
 * 0001-9999 is refused with a typed error (input is range-checked before it gets here).
 */
export function isoFromMillis(ms: number): string {
  if (!isInstant(ms)) throw new InvalidInputError("invalid_time", "the time is outside the years 0001-9999");
  return new Date(ms).toISOString();
}

/** `isoFromMillis`, or null for an instant outside the years 0001-9999. */
export function isoOrNull(ms: number): string | null {
  return isInstant(ms) ? new Date(ms).toISOString() : null;
}

/** "3 hours ago", "in 5 minutes", "now": `ms` as seen from `now` (see `describeFromNow`). */
export function describeRelative(ms: number, now: Date): string {
  return describeFromNow(ms, now.getTime());
}
