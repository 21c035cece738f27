import { Option } from "commander";
import { durationArg, timeArg } from "../../terminal/options.js";
import { addCredentialOptions, type CommandDefinition, examples, exitCodesHelp, pastedInputHelp } from "../options.js";

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
      .option("-q, --quiet", "print nothing; the exit code tells (with --batch: the summary only)")
      .option("--batch <file|->", "verify one ticket per line (bare, or NDJSON with userTicket)")
      .option("--json", "print one JSON object");
    addCredentialOptions(command);
    pastedInputHelp(command);
    examples(command, ['verify "$TICKET"', "verify --json --max-age 1h < ticket.txt", "verify --batch tickets.ndjson"]);
    exitCodesHelp(command, [
      [0, "valid (with --batch: every line valid)"],
      [2, "usage or configuration error (no secret, unreadable file, two different tickets)"],
      [3, "bad signature"],
      [4, "expired"],
      [5, "not yet valid: created (or iat) is in the future beyond the clock skew"],
      [6, "malformed"],
      [7, "application key mismatch"],
      [8, "--batch: some lines are not valid"],
    ]);
    command.action(async (ticket: string | undefined, flags) => {
      ctx.exitCode = await (await import("./run.js")).verify(ticket, flags, ctx);
    });
  },
};
