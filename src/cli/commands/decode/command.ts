import { type CommandDefinition, examples } from "../options.js";

/** `sinch-ticket decode [ticket]`: what a ticket or token says, checking nothing. */
export const decode: CommandDefinition = {
  name: "decode",
  summary: "Show what a ticket or registration token contains. Checks nothing: use verify for that.",
  define(command, ctx) {
    command.argument("[ticket]", "the ticket, or - to read standard input").option("--json", "print one JSON object");
    examples(command, ["decode 'eyJ...:3/BO...='", "decode --json < ticket.txt"]);
    command.action(async (ticket: string | undefined, flags) => {
      ctx.exitCode = await (await import("./run.js")).decode(ticket, flags, ctx);
    });
  },
};
