import { TicketError } from "../core/errors.js";
import { parseDuration, parseTime } from "../core/time.js";
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

export function timeFlag(flag: string, value: string | undefined, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  const t = asUsage(flag, () => parseTime(value, now));
  return new Date(t.seconds * 1000 + Number(t.fraction.slice(0, 3).padEnd(3, "0")));
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
