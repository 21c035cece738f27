import { examine, judge } from "../../../core/judge.js";
import { chooseCandidates, judgeWithCandidates } from "../../../core/keyring.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { usageError, VERIFY_EXIT } from "../../terminal/exit.js";
import { readTicketArgument } from "../../terminal/ticket-input.js";
import { printVerdict, verifyJson } from "../../views/verdict.js";
import { checkingKeyring } from "../shared.js";
import type { VerifyFlags } from "./options.js";

export async function verify(ticketArg: string | undefined, flags: VerifyFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  ui.quiet = flags.quiet === true;
  // Without --now, "now" is taken once the ticket has been read (it may arrive on a pipe).
  const { now: fixedNow, clockSkew, maxAge } = flags;
  const timing = {
    ...(clockSkew !== undefined ? { clockSkew } : {}),
    ...(maxAge !== undefined ? { maxAge } : {}),
    ignoreTime: flags.ignoreTime === true,
  };
  if (flags.batch !== undefined) {
    if (ticketArg !== undefined) throw usageError("give either a ticket or --batch, not both");
    if (flags.batch === "-" && flags.secretStdin) {
      throw usageError("--batch - and --secret-stdin both want standard input");
    }
    const { keyring, demoNotice } = await checkingKeyring(ctx, flags);
    if (keyring.fixed === null && keyring.profiles.length > 1) {
      ui.note("each line is verified with the profiles holding its application key");
    }
    const code = await (await import("../../batch/run.js")).verifyBatch(
      { ...timing, now: fixedNow ?? io.now(), keyring, source: flags.batch, quiet: flags.quiet === true },
      ctx,
    );
    demoNotice("verified");
    return code;
  }
  const examined = examine(await readTicketArgument(ticketArg, io, flags.secretStdin === true));
  const { keyring, demoNotice } = await checkingKeyring(ctx, flags, { forKey: examined.applicationKey });
  const now = fixedNow ?? io.now();
  const choice = chooseCandidates(keyring, examined.applicationKey);
  const chosen = judgeWithCandidates(
    choice,
    (c) => judge(examined, { ...timing, now, applicationSecret: c.secret, applicationKey: c.key }),
    examined.format === "jwt" ? "token" : "ticket",
  );
  if (chosen === null) throw usageError(choice.problem ?? "no credentials to verify with");
  const { result } = chosen;
  if (!flags.quiet) {
    for (const note of chosen.notes) ui.note(note);
    for (const note of result.notes) ui.note(note);
    demoNotice("verified");
    if (flags.json) printJson(ctx, { ...verifyJson(result), notes: [...chosen.notes, ...result.notes] });
    else printVerdict(ctx, result, now);
    for (const warning of result.warnings) ui.warn(warning);
  }
  return VERIFY_EXIT[result.code] ?? 1;
}
