import { type CommandDefinition, examples } from "../options.js";
import { verifyOptions } from "./options.js";

/** `sinch-ticket verify [ticket]`: every check, and why a failing ticket fails. */
export const verify: CommandDefinition = {
  name: "verify",
  summary: "Check a ticket's format, application key, signature and times; explain a failure.",
  define(command, ctx) {
    const defined = verifyOptions(command, () => ctx.io.now());
    examples(defined, ['verify "$TICKET"', "verify --json --max-age 1h < ticket.txt", "verify --batch tickets.ndjson"]);
    defined.action(async (ticket, flags) => {
      ctx.exitCode = await (await import("./run.js")).verify(ticket, flags, ctx);
    });
  },
};
