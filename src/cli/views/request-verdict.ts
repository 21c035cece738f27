import { escapeForTerminal } from "../../core/escape.js";
import type { RequestVerifyResult } from "../../core/request/verify.js";
import { visibleLines } from "../../core/request/visible.js";
import type { CommandContext } from "../terminal/context.js";

const SCHEMES: Record<string, string> = {
  application: "application-signed request",
  user: "request with a user ticket",
  webhook: "Conversation/SMS webhook",
  numbers: "Numbers webhook",
};

const VERDICTS: Record<string, string> = {
  valid: "valid",
  malformed: "malformed",
  key_mismatch: "application key mismatch",
  bad_signature: "bad signature",
  expired: "signed too long ago",
  not_yet_valid: "signed in the future",
};

/** The `--json` object of `request verify` (and, with its event, of each `callback listen` line). */
export function requestJson(result: RequestVerifyResult) {
  return {
    valid: result.valid,
    code: result.code,
    scheme: result.scheme,
    checks: result.checks,
    stringToSign: result.stringToSign,
    notes: result.notes,
    warnings: result.warnings,
    diagnosis: result.diagnosis,
  };
}

/** "✗ bad signature (application-signed request)". */
export function verdictLine(result: RequestVerifyResult): string {
  const scheme = result.scheme ? SCHEMES[result.scheme] : "request";
  return `${VERDICTS[result.code] ?? result.code} ${result.scheme ? `(${scheme})` : scheme}`;
}

/** The human view: verdict, checks with the causes found, and what should have been signed. */
export function printRequestVerdict(ctx: CommandContext, result: RequestVerifyResult): void {
  const { ui } = ctx;
  ui.print(result.valid ? ui.out("ok", `✓ ${verdictLine(result)}`) : ui.out("fail", `✗ ${verdictLine(result)}`));
  const width = Math.max(...result.checks.map((c) => c.name.length));
  for (const check of result.checks) {
    const mark = check.ok === true ? ui.out("ok", "✓") : check.ok === false ? ui.out("fail", "✗") : ui.out("skip", "-");
    ui.print(`  ${mark} ${check.name.padEnd(width)}  ${escapeForTerminal(check.detail)}`);
    const explains = check.name === (result.code === "key_mismatch" ? "applicationKey" : "signature");
    for (const d of explains ? result.diagnosis : [])
      ui.print(`      ${ui.out("warn", `cause (${d.mistake}):`)} ${escapeForTerminal(d.detail)}`);
  }
  if (result.code !== "bad_signature" || result.stringToSign === null) return;
  if (result.diagnosis.length === 0) ui.print(`  ${ui.out("dim", "no known mistake explains this failure")}`);
  ui.print("");
  if (result.scheme === "application") {
    ui.print(
      "The string to sign, line by line (invisible characters shown: ␍ CR, ␉ tab, · trailing space, \\u escapes):",
    );
    const lines = visibleLines(result.stringToSign);
    const names = ["method", "Content-MD5", "Content-Type", "x-timestamp", "resource"];
    lines.forEach((line, i) => {
      ui.print(
        `  ${String(i + 1)}  ${ui.out("dim", (names[i] ?? "").padEnd(13))} ${line === "" ? ui.out("dim", "(empty)") : line}`,
      );
    });
  } else if (result.scheme === "webhook") {
    const at = result.stringToSign.lastIndexOf(".", result.stringToSign.lastIndexOf(".") - 1);
    const body = Buffer.byteLength(result.stringToSign.slice(0, at));
    ui.print(
      `The signed data: the raw body (${body} bytes) followed by ${visibleLines(result.stringToSign.slice(at)).join("⏎")}`,
    );
  } else {
    ui.print(`The signed data: the raw body (${Buffer.byteLength(result.stringToSign)} bytes), nothing else`);
  }
}
