import { TicketError } from "../../core/errors.js";
import { type PreciseTime, parseDuration, parseTime, toMillis } from "../../core/time.js";
import { usageError } from "./exit.js";

/** Runs a core parser on a flag's value; its message becomes a usage error naming the flag. */
function asUsage<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TicketError) throw usageError(`${flag}: ${error.message}`);
    throw error;
  }
}

export function durationFlag(flag: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : asUsage(flag, () => parseDuration(value));
}

/** A time flag keeping the fraction digits it was given (for `--created`). */
export function preciseTimeFlag(flag: string, value: string | undefined, now: Date): PreciseTime | undefined {
  return value === undefined ? undefined : asUsage(flag, () => parseTime(value, now));
}

export function timeFlag(flag: string, value: string | undefined, now: Date): Date | undefined {
  const t = preciseTimeFlag(flag, value, now);
  return t === undefined ? undefined : new Date(toMillis(t));
}

/** `expiresIn` → `--expires-in`: how a user wrote the option a flags key came from. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function choiceFlag<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw usageError(`${flag} must be one of ${choices.join(", ")} (got '${value}')`);
  }
  return value as T;
}
