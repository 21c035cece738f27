import { applicationKeyOf } from "../../../core/application-key.js";
import type { Check } from "../../../core/checks.js";
import { type VerifyResult, verifyTicket } from "../../../core/ticket/verify.js";
import { type TokenVerifyResult, verifyRegistrationToken } from "../../../core/token/verify.js";
import { CredentialResolver, missingSecret } from "../../credentials/resolver.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { usageError, VERIFY_EXIT } from "../../terminal/exit.js";
import { readTicketArgument } from "../../terminal/ticket-input.js";
import { isToken, printRows, ticketRows, tokenRows } from "../decode/run.js";
import { demoNotice, reportConfigWarnings } from "../shared.js";
import type { VerifyFlags } from "./options.js";

const VERDICTS: Record<string, string> = {
  valid: "valid ticket",
  malformed: "malformed ticket",
  key_mismatch: "application key mismatch",
  bad_signature: "bad signature",
  expired: "expired",
  not_yet_valid: "not yet valid",
};

export function verifyJson(result: VerifyResult | TokenVerifyResult) {
  return {
    valid: result.valid,
    code: result.code,
    format: result.format,
    checks: result.checks,
    ...(result.format === "jwt"
      ? { header: result.header, claims: result.claims, payload: result.claims }
      : { payload: result.payload }),
    notes: result.notes,
    warnings: result.warnings,
    diagnosis: result.diagnosis,
  };
}

/** Which check each mistake explains, so the human view shows it under that check. */
export const MISTAKE_CHECK: Record<string, string> = {
  "plus-as-space": "format",
  "percent-encoded": "format",
  base64url: "format",
  "hex-signature": "format",
  "line-wrapped": "format",
  "stripped-digest": "format",
  "mac-over-base64": "signature",
  "secret-not-decoded": "signature",
  "latin1-data": "signature",
  "non-utf8-mac": "signature",
  "wrong-application": "applicationKey",
  "kid-date": "signature",
};

function mark(ctx: CommandContext, ok: boolean | null): string {
  if (ok === true) return ctx.ui.out("ok", "✓");
  if (ok === false) return ctx.ui.out("fail", "✗");
  return ctx.ui.out("skip", "-");
}

export function printVerdict(
  ctx: CommandContext,
  result: VerifyResult | TokenVerifyResult,
  checks: Check[],
  now: Date,
): void {
  const { ui } = ctx;
  const verdict = (VERDICTS[result.code] ?? result.code).replace(
    "ticket",
    result.format === "jwt" ? "registration token" : "ticket",
  );
  ui.print(result.valid ? ui.out("ok", `✓ ${verdict}`) : ui.out("fail", `✗ ${verdict}`));
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks) {
    ui.print(`  ${mark(ctx, check.ok)} ${check.name.padEnd(width)}  ${check.detail}`);
    for (const d of result.diagnosis.filter((x) => (MISTAKE_CHECK[x.mistake] ?? "signature") === check.name)) {
      ui.print(`      ${ui.out("warn", `cause (${d.mistake}):`)} ${d.detail}`);
    }
  }
  if (!result.valid && result.diagnosis.length === 0 && result.code !== "expired" && result.code !== "not_yet_valid") {
    ui.print(`  ${ui.out("dim", "no known mistake explains this failure")}`);
  }
  if (result.decoded) {
    ui.print("");
    printRows(ctx, result.decoded.format === "jwt" ? tokenRows(result.decoded, now) : ticketRows(result.decoded, now));
  }
}

export async function verify(ticketArg: string | undefined, flags: VerifyFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  ui.quiet = flags.quiet === true;
  // Without --now, "now" is taken once the ticket has been read (it may arrive on a pipe).
  const { now: fixedNow, clockSkew, maxAge } = flags;
  const credentials = new CredentialResolver(io, flags);
  // With nothing but the config file to go by, a ticket picks its own application's profile.
  const byKey = (await credentials.choosesProfileByKey()) ? await credentials.profilesByKey() : new Map();
  let secret = await credentials.secret();
  let key = await credentials.key();
  if (!secret && byKey.size === 0) throw missingSecret();
  reportConfigWarnings(ctx, credentials);
  const options = {
    applicationSecret: secret?.value ?? "",
    applicationKey: key?.value ?? null,
    now: fixedNow ?? io.now(),
    ...(clockSkew !== undefined ? { clockSkew } : {}),
    ...(maxAge !== undefined ? { maxAge } : {}),
    ignoreTime: flags.ignoreTime === true,
  };
  if (flags.batch !== undefined) {
    if (ticketArg !== undefined) throw usageError("give either a ticket or --batch, not both");
    if (flags.batch === "-" && flags.secretStdin) {
      throw usageError("--batch - and --secret-stdin both want standard input");
    }
    if (byKey.size > 0) {
      const names = [...byKey.values()].map((p) => p.name).join(", ");
      ui.note(`a line whose application key is a profile's is verified with that profile (${names})`);
    }
    const profiles = Object.fromEntries(
      await Promise.all([...byKey].map(async ([k, p]) => [k, (await p.secret()).value] as const)),
    );
    const code = await (await import("../../batch/run.js")).verifyBatch(
      { ...options, applicationSecret: secret?.value ?? null, source: flags.batch, profiles },
      ctx,
    );
    demoNotice(ctx, "verified", key, secret);
    return code;
  }
  const input = await readTicketArgument(ticketArg, io, flags.secretStdin === true);
  const ticketKey = byKey.size > 0 ? applicationKeyOf(input) : null;
  const own = ticketKey === null ? undefined : byKey.get(ticketKey);
  const ownSecret = own ? await own.secret() : undefined;
  if (own && ownSecret && (ownSecret.value !== secret?.value || own.key.value !== key?.value)) {
    ui.note(`using profile '${own.name}': its application key is the ticket's`);
    key = own.key;
    secret = ownSecret;
    options.applicationSecret = ownSecret.value;
    options.applicationKey = own.key.value;
  }
  if (!secret) throw missingSecret();
  options.now = fixedNow ?? io.now();
  const now = options.now;
  const result = isToken(input) ? verifyRegistrationToken(input, options) : verifyTicket(input, options);
  if (!flags.quiet) {
    for (const note of result.notes) ui.note(note);
    demoNotice(ctx, "verified", key, secret);
    if (flags.json) printJson(ctx, verifyJson(result));
    else printVerdict(ctx, result, result.checks, now);
    for (const warning of result.warnings) ui.warn(warning);
  }
  return VERIFY_EXIT[result.code] ?? 1;
}
