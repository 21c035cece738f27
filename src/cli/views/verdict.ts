/** What verify shows: the verdict with each check and the mistakes that explain a failure. */
import { checkExplained, shownCheck } from "../../core/checks.js";
import { escapeForTerminal } from "../../core/escape.js";
import type { VerifyResult } from "../../core/ticket/verify.js";
import type { TokenVerifyResult } from "../../core/token/verify.js";
import { NO_KNOWN_MISTAKE, verdictPhrase } from "../../core/verdict-words.js";
import type { CommandContext } from "../terminal/context.js";
import { decodedRows, rowLines } from "./decoded.js";

/** `verify --json`, and the `verify` half of the inspect API's answer. */
export function verifyJson(result: VerifyResult | TokenVerifyResult) {
  return {
    valid: result.valid,
    code: result.code,
    format: result.format,
    checks: result.checks.map(shownCheck),
    ...(result.format === "jwt"
      ? { header: result.header, claims: result.claims, payload: result.claims }
      : { payload: result.payload }),
    notes: result.notes,
    warnings: result.warnings,
    diagnosis: result.diagnosis,
  };
}

function mark(ctx: CommandContext, ok: boolean | null): string {
  if (ok === true) return ctx.ui.out("ok", "✓");
  if (ok === false) return ctx.ui.out("fail", "✗");
  return ctx.ui.out("skip", "-");
}

/** The verdict line, each check with the causes found under it, then what was read: one write. */
export function printVerdict(ctx: CommandContext, result: VerifyResult | TokenVerifyResult, now: Date): void {
  const { ui } = ctx;
  const verdict = verdictPhrase(result.code, result.format);
  const lines = [result.valid ? ui.out("ok", `✓ ${verdict}`) : ui.out("fail", `✗ ${verdict}`)];
  const { checks } = result;
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks) {
    lines.push(`  ${mark(ctx, check.ok)} ${check.name.padEnd(width)}  ${escapeForTerminal(check.detail)}`);
    for (const d of result.diagnosis.filter((x) => checkExplained(x.mistake) === check.name)) {
      lines.push(`      ${ui.out("warn", `cause (${d.mistake}):`)} ${escapeForTerminal(d.detail)}`);
    }
  }
  if (!result.valid && result.diagnosis.length === 0 && result.code !== "expired" && result.code !== "not_yet_valid") {
    lines.push(`  ${ui.out("dim", NO_KNOWN_MISTAKE)}`);
  }
  if (result.decoded) lines.push("", ...rowLines(ctx, decodedRows(result.decoded, now)));
  ui.print(lines.join("\n"));
}
