import { examine, judge } from "../../../core/judge.js";
import { CredentialResolver, missingSecret } from "../../credentials/resolver.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { usageError, VERIFY_EXIT } from "../../terminal/exit.js";
import { readTicketArgument } from "../../terminal/ticket-input.js";
import { printVerdict, verifyJson } from "../../views/verdict.js";
import { demoNotice, reportConfigWarnings } from "../shared.js";
import type { VerifyFlags } from "./options.js";

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
      {
        ...options,
        applicationSecret: secret?.value ?? null,
        source: flags.batch,
        profiles,
        quiet: flags.quiet === true,
      },
      ctx,
    );
    demoNotice(ctx, "verified", key, secret);
    return code;
  }
  const examined = examine(await readTicketArgument(ticketArg, io, flags.secretStdin === true));
  const ticketKey = byKey.size > 0 ? examined.applicationKey : null;
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
  const result = judge(examined, options);
  if (!flags.quiet) {
    for (const note of result.notes) ui.note(note);
    demoNotice(ctx, "verified", key, secret);
    if (flags.json) printJson(ctx, verifyJson(result));
    else printVerdict(ctx, result, now);
    for (const warning of result.warnings) ui.warn(warning);
  }
  return VERIFY_EXIT[result.code] ?? 1;
}
