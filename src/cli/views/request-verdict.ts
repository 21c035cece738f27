import { checkExplained, shownCheck } from "../../core/checks.js";
import { escapeForTerminal } from "../../core/escape.js";
import type { RequestVerifyResult } from "../../core/request/verify.js";
import { signedLines } from "../../core/request/visible.js";
import { NO_KNOWN_MISTAKE, verdictPhrase } from "../../core/verdict-words.js";
import type { CommandContext } from "../terminal/context.js";

/** The `--json` object of `request verify` (and, with its event, of each `callback listen` line). */
export function requestJson(result: RequestVerifyResult) {
  return {
    valid: result.valid,
    code: result.code,
    scheme: result.scheme,
    checks: result.checks.map(shownCheck),
    stringToSign: result.stringToSign,
    notes: result.notes,
    warnings: result.warnings,
    diagnosis: result.diagnosis,
  };
}

/** "✗ bad signature (application-signed request)". */
export function verdictLine(result: RequestVerifyResult): string {
  return verdictPhrase(result.code, result.scheme ?? "request");
}

/** The human view: verdict, checks with the causes found, and what should have been signed. */
export function printRequestVerdict(ctx: CommandContext, result: RequestVerifyResult): void {
  const { ui } = ctx;
  ui.print(result.valid ? ui.out("ok", `✓ ${verdictLine(result)}`) : ui.out("fail", `✗ ${verdictLine(result)}`));
  const width = Math.max(...result.checks.map((c) => c.name.length));
  for (const check of result.checks) {
    const mark = check.ok === true ? ui.out("ok", "✓") : check.ok === false ? ui.out("fail", "✗") : ui.out("skip", "-");
    ui.print(`  ${mark} ${check.name.padEnd(width)}  ${escapeForTerminal(check.detail)}`);
    for (const d of result.diagnosis.filter((x) => checkExplained(x.mistake) === check.name))
      ui.print(`      ${ui.out("warn", `cause (${d.mistake}):`)} ${escapeForTerminal(d.detail)}`);
  }
  if (result.code !== "bad_signature" || result.stringToSign === null) return;
  if (result.diagnosis.length === 0) ui.print(`  ${ui.out("dim", NO_KNOWN_MISTAKE)}`);
  ui.print("");
  const lines = signedLines(result.scheme, result.stringToSign);
  if (result.scheme === "application") {
    ui.print(
      "The string to sign, line by line (invisible characters shown: ␍ CR, ␉ tab, · trailing space, \\u escapes):",
    );
    lines.forEach(({ name, text }, i) => {
      ui.print(
        `  ${String(i + 1)}  ${ui.out("dim", name.padEnd(13))} ${text === "" ? ui.out("dim", "(empty)") : text}`,
      );
    });
  } else {
    ui.print(`The signed data: ${lines.map((l) => l.text).join(" followed by ")}`);
  }
}
