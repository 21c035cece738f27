import { TicketError } from "../../core/errors.js";
import { type PreciseTime, parseDuration, parseTime, toMillis } from "../../core/time.js";
import { InvalidArgumentError } from "./commander.js";

/** Runs a core parser; its message becomes commander's "argument ... is invalid" error. */
function asInvalidArgument<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TicketError) throw new InvalidArgumentError(`${error.message}.`);
    throw error;
  }
}

/** commander argParser: `3600`, `90s`, `15m`, `1h30m` → seconds. */
export function durationArg(value: string): number {
  return asInvalidArgument(() => parseDuration(value));
}

/** commander argParser for `--created`: a time that keeps the fraction digits it was given. */
export function preciseTimeArg(now: () => Date): (value: string) => PreciseTime {
  return (value) => asInvalidArgument(() => parseTime(value, now()));
}

/** commander argParser for `--now`: ISO 8601 with a zone, or `-2h`/`+30m` from now. */
export function timeArg(now: () => Date): (value: string) => Date {
  return (value) => new Date(toMillis(preciseTimeArg(now)(value)));
}

/** commander argParser: a whole number of at least 1. */
export function countArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("Expected a whole number of 1 or more.");
  }
  return Number(value);
}

/** commander argParser for `--port`: 0 to 65535 (0 picks a free port). */
export function portArg(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError("Expected a port number from 0 to 65535.");
  }
  return Number(value);
}
