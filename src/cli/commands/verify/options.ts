import { Option } from "../../terminal/commander.js";
import { durationArg, timeArg } from "../../terminal/options.js";
import { addCredentialOptions, type NewCommand } from "../options.js";

/** `verify`'s arguments and options. */
export function verifyOptions(command: NewCommand, now: () => Date) {
  return addCredentialOptions(
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
        new Option("--now <time>", "verify as of this time (ISO 8601 with zone, or -2h)").argParser(timeArg(now)),
      )
      .option("--ignore-time", "skip the created and expiry checks")
      .option("-q, --quiet", "print nothing; the exit code tells (with --batch: the summary only)")
      .option("--batch <file|->", "verify one ticket per line (bare, or NDJSON with userTicket)")
      .option("--json", "print one JSON object"),
  );
}

/** The options of `verify`, as commander parsed and checked them. */
export type VerifyFlags = ReturnType<ReturnType<typeof verifyOptions>["opts"]>;
