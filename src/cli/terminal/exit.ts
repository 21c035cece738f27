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

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

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

/** Exit codes for verification results, in the contract's words. */
export const VERIFY_EXIT: Record<string, number> = {
  valid: ExitCode.ok,
  malformed: ExitCode.malformed,
  key_mismatch: ExitCode.keyMismatch,
  bad_signature: ExitCode.badSignature,
  expired: ExitCode.expired,
  not_yet_valid: ExitCode.notYetValid,
};
