import { verdictExitCodes } from "../../terminal/exit.js";
import { type CommandDefinition, examples, exitCodesHelp, pastedInputHelp } from "../options.js";
import { verifyOptions } from "./options.js";

/** `sinch-ticket verify [ticket]`: every check, and why a failing ticket fails. */
export const verify: CommandDefinition = {
  name: "verify",
  summary: "Check a ticket's format, application key, signature and times; explain a failure.",
  startup: true,
  define(command, ctx) {
    const defined = verifyOptions(command, () => ctx.io.now());
    pastedInputHelp(defined);
    examples(defined, ['verify "$TICKET"', "verify --json --max-age 1h < ticket.txt", "verify --batch tickets.ndjson"]);
    exitCodesHelp(defined, {
      ...verdictExitCodes({
        valid: "valid (with --batch: every line valid)",
        bad_signature: "bad signature",
        expired: "expired",
        not_yet_valid: "not yet valid: created (or iat) is in the future beyond the clock skew",
        malformed: "malformed",
        key_mismatch: "application key mismatch",
      }),
      usage: "usage or configuration error (no secret, unreadable file, two different tickets)",
      batchFailures: "--batch: some lines are not valid",
    });
    defined.action(async (ticket, flags) => {
      ctx.exitCode = await (await import("./run.js")).verify(ticket, flags, ctx);
    });
  },
};
