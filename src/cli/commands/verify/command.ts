import { Option } from "commander";
import { durationArg, timeArg } from "../../terminal/options.js";
import { addCredentialOptions, type CommandDefinition, examples } from "../options.js";

/** `sinch-ticket verify [ticket]`: every check, and why a failing ticket fails. */
export const verify: CommandDefinition = {
  name: "verify",
  summary: "Check a ticket's format, application key, signature and times; explain a failure.",
  define(command, ctx) {
    command
      .argument("[ticket]", "the ticket, or - to read standard input")
      .addOption(
        new Option("--clock-skew <duration>", "tolerance for clocks that disagree")
          .argParser(durationArg)
          .default(300, "5m"),
      )
      .addOption(
        new Option("--max-age <duration>", "refuse tickets created longer ago than this").argParser(durationArg),
      )
      .addOption(
        new Option("--now <time>", "verify as of this time (ISO 8601 with zone, or -2h)").argParser(
          timeArg(() => ctx.io.now()),
        ),
      )
      .option("--ignore-time", "skip the created and expiry checks")
      .option("-q, --quiet", "print nothing; the exit code tells")
      .option("--batch <file|->", "verify one ticket per line (bare, or NDJSON with userTicket)")
      .option("--json", "print one JSON object");
    addCredentialOptions(command);
    examples(command, ['verify "$TICKET"', "verify --json --max-age 1h < ticket.txt", "verify --batch tickets.ndjson"]);
    command.action(async (ticket: string | undefined, flags) => {
      ctx.exitCode = await (await import("./run.js")).verify(ticket, flags, ctx);
    });
  },
};
