import type { Command, CommandUnknownOpts, OptionValues } from "@commander-js/extra-typings";
import { envFileRefused, secretRefused } from "../credentials/resolver.js";
import { Option } from "../terminal/commander.js";
import type { CommandContext } from "../terminal/context.js";
import { type ExitCodeTable, exitCodeRows, usageError } from "../terminal/exit.js";

/**
 * `--secret`: never shown, never suggested, refused as soon as it is read (with a value)
 * or before the command runs (without one), naming the alternatives.
 */
export function secretOption() {
  return new Option("--secret [value]").hideHelp().argParser(() => {
    throw secretRefused();
  });
}

/**
 * `--env-file`: Node takes it for itself wherever it appears (the binary's shebang ends
 * Node's options with `--` so that it reaches the tool); refused, naming `--dotenv`.
 */
export function envFileOption() {
  return new Option("--env-file [path]").hideHelp().argParser(() => {
    throw envFileRefused();
  });
}

/** `--secret-file` and `--secret-stdin`, which exclude each other. */
export function addSecretSourceOptions<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues>(
  command: Command<Args, Opts, Globals>,
) {
  return command
    .addOption(
      new Option("--secret-file <path>", "read the application secret from this file").conflicts("secretStdin"),
    )
    .option("--secret-stdin", "read the application secret from standard input")
    .addOption(secretOption());
}

/** The flags of every command that needs the application's credentials. */
export function addCredentialOptions<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues>(
  command: Command<Args, Opts, Globals>,
) {
  return addSecretSourceOptions(command.option("--key <key>", "application key"))
    .option("--dotenv <path>", "read variables from this .env file instead of ./.env")
    .addOption(envFileOption())
    .option("--profile <name>", "config file profile to use")
    .option("--demo", "use built-in demo credentials (for trying the tool)");
}

/**
 * Which options go with which `--format`: the one table `sign` and `serve` check. An
 * option of the other format is an error when given on the command line, even with its
 * default value (`--format jwt --style dotnet`).
 */
export const FORMAT_OPTIONS = {
  ticket: ["type", "style", "created", "expiresIn", "payload"],
  jwt: ["ttl", "now", "nonce", "instanceExpiresIn"],
  /** Batch options: user tickets and registration tokens alike. */
  both: ["batch", "count", "endpointTemplate", "outputFormat", "inputEncoding"],
} as const;

/** `expiresIn` → `--expires-in`: how a user wrote the option a flags key came from. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Refuses the options (given on the command line) that do not go with the chosen `--format`. */
export function checkFormatOptions(command: CommandUnknownOpts): void {
  const given = (key: string) => {
    const source = command.getOptionValueSource(key);
    return source !== undefined && source !== "default";
  };
  if (command.getOptionValue("format") === "jwt") {
    const ticketOnly = FORMAT_OPTIONS.ticket.find(given);
    if (ticketOnly) throw usageError(`${flagName(ticketOnly)} is for user tickets; it does not go with --format jwt`);
  } else {
    const jwtOnly = FORMAT_OPTIONS.jwt.find(given);
    if (jwtOnly) throw usageError(`${flagName(jwtOnly)} goes with --format jwt`);
  }
}

/** A command as program.ts creates it: a name and a summary, no arguments or options yet. */
// biome-ignore lint/complexity/noBannedTypes: commander's own type for "no options yet"
export type NewCommand = Command<[], {}, {}>;

/** What decode and verify find a ticket or token in, for their help. */
export function pastedInputHelp<C extends CommandUnknownOpts>(command: C): C {
  return command.addHelpText(
    "after",
    `
What may be pasted (the argument, or standard input):
  a bare ticket or registration token, with quotes, whitespace or a 'user ' prefix;
  a URL holding it in a query parameter or fragment (percent-encoded or not);
  a curl command or an HTTP request with an Authorization header;
  a JSON document with it in any field ({"userTicket": "..."} included);
  a log line with text around it.
What was removed to get at it is said in a note; damage inside it is diagnosed.`,
  );
}

/** The exit codes a command can end with, by name, for its help (after its examples), in code order. */
export function exitCodesHelp<C extends CommandUnknownOpts>(command: C, table: ExitCodeTable): C {
  const lines = exitCodeRows(table).map(([code, meaning]) => `  ${String(code).padEnd(4)}${meaning}`);
  return command.addHelpText("after", `Exit codes:\n${lines.join("\n")}\n`);
}

/** `--webhook-secret-file`: the Conversation/SMS/Numbers webhook secret. */
export function addWebhookSecretOption<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues>(
  command: Command<Args, Opts, Globals>,
) {
  return command.option(
    "--webhook-secret-file <path>",
    "read the webhook secret (Conversation, SMS, Numbers) from this file; else SINCH_WEBHOOK_SECRET",
  );
}

/** Examples under a command's help, as `$ sinch-ticket ...` lines. */
export function examples<C extends CommandUnknownOpts>(command: C, lines: string[]): C {
  return command.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ sinch-ticket ${l}`).join("\n")}\n`);
}

/**
 * A top-level command: its name and summary, listed at start-up, and the rest of its
 * definition (arguments, options, help, action), added only when it is about to run or
 * its help or completion is asked for.
 */
export interface CommandDefinition {
  name: string;
  summary: string;
  /**
   * The build puts this command's work (what `define`'s action loads with `import()`) in the
   * start-up file, beside the program, instead of a file of its own loaded when it runs: for
   * the commands nearly every run is (and `request verify`, held to the same start-up
   * limit), where one file more costs more than the lines saved.
   * Unset, a command's work is split out (see rolldown.config.ts).
   */
  startup?: true;
  define(command: NewCommand, ctx: CommandContext): void;
}
