import { type CommandDefinition, examples } from "../options.js";
import { decodeOptions } from "./options.js";

/** `sinch-ticket decode [ticket]`: what a ticket or token says, checking nothing. */
export const decode: CommandDefinition = {
  name: "decode",
  summary: "Show what a ticket or registration token contains. Checks nothing: use verify for that.",
  define(command, ctx) {
    const defined = decodeOptions(command);
    examples(defined, ["decode 'eyJ...:3/BO...='", "decode --json < ticket.txt"]);
    defined.action(async (ticket, flags) => {
      ctx.exitCode = await (await import("./run.js")).decode(ticket, flags, ctx);
    });
  },
};
