import { IDENTITY_TYPES } from "../../../core/endpoint.js";
import { TICKET_STYLES } from "../../../core/ticket/layout.js";
import { Option } from "../../terminal/commander.js";
import { countArg, durationArg, preciseTimeArg, timeArg } from "../../terminal/options.js";
import { addCredentialOptions, type NewCommand } from "../options.js";

/** `sign`'s arguments and options; `now` is the clock relative times count from. */
export function signOptions(command: NewCommand, now: () => Date) {
  return addCredentialOptions(
    command
      .argument("[endpoint]", "the user the ticket is for (asked for when run by a person)")
      .addOption(new Option("-t, --type <type>", "identity type (default: username)").choices(IDENTITY_TYPES))
      .addOption(new Option("--style <layout>", "ticket layout (default: dotnet)").choices(TICKET_STYLES))
      .addOption(
        new Option(
          "--created <time>",
          "put this time in the ticket instead of now (ISO 8601 with zone, or -2h)",
        ).argParser(preciseTimeArg(now)),
      )
      .addOption(new Option("--expires-in <duration>", "add expiresIn (3600, 90s, 15m, 1h, 2d)").argParser(durationArg))
      .addOption(
        new Option("--payload <file|->", "sign this exact JSON object text instead of building one").conflicts([
          "batch",
          "count",
        ]),
      )
      .addOption(
        new Option("--format <format>", "ticket, or jwt for a registration token of the newer SDKs")
          .choices(["ticket", "jwt"])
          .default("ticket"),
      )
      .addOption(
        new Option("--ttl <duration>", "jwt: lifetime, exp - iat (default 10m, at least 60s)").argParser(durationArg),
      )
      .addOption(new Option("--now <time>", "jwt: the iat (default now)").argParser(timeArg(now)))
      .addOption(new Option("--nonce <value>", "jwt: the nonce (default a random UUID)"))
      .addOption(
        new Option("--instance-expires-in <duration>", "jwt: sets sinch:rtc:instance:exp (at least 48h)").argParser(
          durationArg,
        ),
      )
      .option("--json", "print one JSON object instead of the bare ticket")
      .option("--github-output <name>", "also write the result to $GITHUB_OUTPUT as this step output (GitHub Actions)")
      .option("--no-input", "never prompt")
      .addOption(
        new Option(
          "--batch <file|->",
          "sign one identity per line (NDJSON, CSV with an endpoint column, or plain)",
        ).conflicts("count"),
      )
      .addOption(
        new Option("--count <n>", "sign n generated identities (with --endpoint-template)").argParser(countArg),
      )
      .option("--endpoint-template <text>", "endpoint for --count, {n} replaced by 1..n")
      .addOption(new Option("--output-format <format>", "batch output (default: ndjson)").choices(["ndjson", "csv"]))
      .addOption(
        new Option("--input-encoding <encoding>", "batch input that is not UTF-8: convert it from this").choices([
          "latin1",
          "cp1252",
        ] as const),
      ),
  );
}

/** The options of `sign`, as commander parsed and checked them. */
export type SignFlags = ReturnType<ReturnType<typeof signOptions>["opts"]>;
