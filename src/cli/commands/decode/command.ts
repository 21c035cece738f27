import { Command } from "commander";
import type { CommandContext } from "../../terminal/context.js";
import { examples } from "../options.js";

/** `sinch-ticket decode [ticket]`: what a ticket or token says, checking nothing. */
export function decodeCommand(ctx: CommandContext): Command {
  const command = new Command("decode")
    .description("Show what a ticket or registration token contains. Checks nothing: use verify for that.")
    .argument("[ticket]", "the ticket, or - to read standard input")
    .option("--json", "print one JSON object");
  examples(command, ["decode 'eyJ...:3/BO...='", "decode --json < ticket.txt"]);
  return command.action(async (ticket: string | undefined, flags) => {
    ctx.exitCode = await (await import("./run.js")).decode(ticket, flags, ctx);
  });
}
