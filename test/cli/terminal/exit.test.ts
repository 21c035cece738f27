/** The exit code tables: keyed by the codes' names, rows in code order, every verdict with its line. */
import { describe, expect, it } from "vitest";
import {
  EXIT_CODE_MEANINGS,
  ExitCode,
  type ExitCodeName,
  exitCodeRows,
  VERIFY_EXIT,
  verdictExitCodes,
} from "../../../src/cli/terminal/exit.js";
import type { VerifyCode } from "../../../src/core/checks.js";

const VERDICT_LINES: Record<VerifyCode, string> = {
  valid: "v",
  malformed: "m",
  key_mismatch: "k",
  bad_signature: "b",
  expired: "e",
  not_yet_valid: "n",
};

describe("exit code tables", () => {
  it("give every code a meaning, and every verification result an exit code", () => {
    expect(Object.keys(EXIT_CODE_MEANINGS).sort()).toEqual(Object.keys(ExitCode).sort());
    expect(Object.values(EXIT_CODE_MEANINGS).every((m) => m.length > 0)).toBe(true);
    expect(VERIFY_EXIT).toEqual({
      valid: 0,
      malformed: 6,
      key_mismatch: 7,
      bad_signature: 3,
      expired: 4,
      not_yet_valid: 5,
    });
  });

  it("print a command's rows in code order, whatever order they were written in", () => {
    expect(exitCodeRows({ callbackFailed: "c", ok: "o", usage: "u" })).toEqual([
      [0, "o"],
      [2, "u"],
      [9, "c"],
    ]);
    expect(exitCodeRows({ ...verdictExitCodes(VERDICT_LINES), batchFailures: "f", usage: "u" })).toEqual([
      [0, "v"],
      [2, "u"],
      [3, "b"],
      [4, "e"],
      [5, "n"],
      [6, "m"],
      [7, "k"],
      [8, "f"],
    ]);
  });

  it("do not compile with a code or a verdict left out, or a name that is no code", () => {
    const { interrupted: _, ...withoutOne } = EXIT_CODE_MEANINGS;
    // @ts-expect-error: 'interrupted' is missing
    const meanings: Record<ExitCodeName, string> = withoutOne;
    const { expired: __, ...withoutExpired } = VERDICT_LINES;
    // @ts-expect-error: the line for 'expired' is missing
    const table = verdictExitCodes(withoutExpired);
    // @ts-expect-error: 'notACode' is no exit code's name
    const rows = exitCodeRows({ notACode: "x" });
    expect([Object.keys(meanings).length, Object.keys(table).length, rows]).toEqual([10, 5, []]);
  });
});
