import { type CommandDefinition, examples, exitCodesHelp, pastedInputHelp } from "../options.js";
import { decodeOptions } from "./options.js";

/** `sinch-ticket decode [ticket]`: what a ticket or token says, checking nothing. */
export const decode: CommandDefinition = {
  name: "decode",
  summary: "Show what a ticket or registration token contains. Checks nothing: use verify for that.",
  startup: true,
  define(command, ctx) {
    const defined = decodeOptions(command);
    pastedInputHelp(defined);
    examples(defined, ["decode 'eyJ...:3/BO...='", "decode --json < ticket.txt"]);
    exitCodesHelp(defined, {
      ok: "read: the ticket or token is shown (its signature is not checked)",
      usage: "usage error: no input, or two different tickets in it",
      malformed: "malformed: what is wrong is said, and what could be read is shown",
    });
    defined.action(async (ticket, flags) => {
      ctx.exitCode = await (await import("./run.js")).decode(ticket, flags, ctx);
    });
  },
};
