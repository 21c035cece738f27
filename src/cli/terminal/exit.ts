import type { VerifyCode } from "../../core/checks.js";

/** The exit codes of the command-line contract. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  badSignature: 3,
  expired: 4,
  notYetValid: 5,
  malformed: 6,
  keyMismatch: 7,
  batchFailures: 8,
  /** `callback send`: the receiver answered with another status than 2xx, or could not be reached. */
  callbackFailed: 9,
  interrupted: 130,
} as const;

export type ExitCodeName = keyof typeof ExitCode;
export type ExitCodeValue = (typeof ExitCode)[ExitCodeName];

/**
 * What each exit code means, in the contract's words: the table of README.md's "Output and
 * exit codes" (test/docs/readme.test.ts compares the two). Keyed by every code's name, so a
 * code without its meaning does not compile.
 */
export const EXIT_CODE_MEANINGS: Record<ExitCodeName, string> = {
  ok: "success; ticket valid",
  internal: "unexpected internal error",
  usage: "usage or configuration error (bad flag, missing or bad key/secret, unreadable file, bad endpoint)",
  badSignature: "bad signature",
  expired: "expired",
  notYetValid: "not yet valid (created in the future beyond the clock skew)",
  malformed: "malformed ticket",
  keyMismatch: "application key mismatch",
  batchFailures: "a batch finished with failures",
  callbackFailed:
    "`callback send`, `callback replay`: the receiver answered with a status other than 2xx, or could not be reached",
  interrupted: "interrupted (Ctrl-C at a prompt)",
};

/** A command's own list of the exit codes it can end with, each in its words; for its help. */
export type ExitCodeTable = Partial<Record<ExitCodeName, string>>;

/** The table's rows, by code: `[6, "malformed"]`. */
export function exitCodeRows(table: ExitCodeTable): [ExitCodeValue, string][] {
  return (Object.keys(ExitCode) as ExitCodeName[])
    .filter((name) => table[name] !== undefined)
    .map((name): [ExitCodeValue, string] => [ExitCode[name], table[name] as string])
    .sort(([a], [b]) => a - b);
}

/**
 * A failure that ends the command with a known exit code and a one-line message. Only
 * the CLI entry turns it into the process's exit code.
 */
export class ExitError extends Error {
  readonly exitCode: number;
  /** More fields for the `--json` error document, where they help (e.g. `url`). */
  readonly details: Record<string, unknown>;
  constructor(exitCode: number, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options);
    this.name = "ExitError";
    this.exitCode = exitCode;
    this.details = options?.details ?? {};
  }
}

export function usageError(message: string): ExitError {
  return new ExitError(ExitCode.usage, message);
}

/** Exit codes for verification results; every result code has one, or this does not compile. */
export const VERIFY_EXIT: Record<VerifyCode, ExitCodeValue> = {
  valid: ExitCode.ok,
  malformed: ExitCode.malformed,
  key_mismatch: ExitCode.keyMismatch,
  bad_signature: ExitCode.badSignature,
  expired: ExitCode.expired,
  not_yet_valid: ExitCode.notYetValid,
};

/**
 * The rows of a verification command's exit codes for its verdicts: a line for every result
 * code (a code without one does not compile), each under the exit code it ends with.
 */
export function verdictExitCodes(lines: Record<VerifyCode, string>): ExitCodeTable {
  const table: ExitCodeTable = {};
  for (const [code, line] of Object.entries(lines) as [VerifyCode, string][]) {
    const name = (Object.keys(ExitCode) as ExitCodeName[]).find((n) => ExitCode[n] === VERIFY_EXIT[code]);
    if (name !== undefined) table[name] = line;
  }
  return table;
}
