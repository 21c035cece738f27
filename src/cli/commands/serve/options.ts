import { IDENTITY_TYPES } from "../../../core/endpoint.js";
import { TICKET_STYLES } from "../../../core/ticket/layout.js";
import { Option } from "../../terminal/commander.js";
import { countArg, durationArg, portArg } from "../../terminal/options.js";
import { addCredentialOptions, type NewCommand } from "../options.js";

/** `serve`'s arguments and options. */
export function serveOptions(command: NewCommand) {
  return addCredentialOptions(
    command
      .option("--host <host>", "address to listen on", "127.0.0.1")
      .addOption(new Option("--port <port>", "port; 0 picks a free one").argParser(portArg).default(8080))
      .addOption(
        new Option("--htpasswd <file>", "users and bcrypt passwords, as `htpasswd -B` writes them").conflicts(
          "anyUser",
        ),
      )
      .option("--any-user", "accept every user name with any password (front-end work only)")
      .addOption(
        new Option(
          "--cors <origin>",
          "an origin whose pages may log in from a browser (pages of any other are refused); repeat for more, * for any",
        ).argParser((value: string, previous: string[] = []) => [...previous, value]),
      )
      .addOption(
        new Option(
          "--queue-per-address <n>",
          "logins one address (an IPv6 /64 counts as one) may have waiting for a password check; more get 429",
        )
          .argParser(countArg)
          .default(8),
      )
      .addOption(
        new Option(
          "--names-per-address <n>",
          "user names one address may have in the failed-login table; past it, its new names get 429",
        )
          .argParser(countArg)
          .default(1000),
      )
      .addOption(
        new Option(
          "--failing-names <n>",
          "user names that may fail from one address within 15 minutes; past it, that address gets 429",
        )
          .argParser(countArg)
          .default(20),
      )
      .addOption(
        new Option("-t, --type <type>", "identity type of the user names").choices(IDENTITY_TYPES).default("username"),
      )
      .addOption(new Option("--style <layout>", "ticket layout").choices(TICKET_STYLES).default("dotnet"))
      .addOption(new Option("--expires-in <duration>", "add expiresIn to each ticket").argParser(durationArg))
      .addOption(
        new Option("--format <format>", "ticket, or jwt for registration tokens")
          .choices(["ticket", "jwt"])
          .default("ticket"),
      )
      .addOption(new Option("--ttl <duration>", "jwt: token lifetime (default 10m)").argParser(durationArg)),
  );
}

/** The options of `serve`, as commander parsed and checked them. */
export type ServeFlags = ReturnType<ReturnType<typeof serveOptions>["opts"]>;
