import { type Command, type CommandUnknownOpts, Option, type OptionValues } from "@commander-js/extra-typings";
import { secretRefused } from "../credentials/resolver.js";
import type { CommandContext } from "../terminal/context.js";
import { usageError } from "../terminal/exit.js";

/**
 * `--secret`: never shown, never suggested, refused as soon as it is read (with a value)
 * or before the command runs (without one), naming the alternatives.
 */
export function secretOption() {
  return new Option("--secret [value]").hideHelp().argParser(() => {
    throw secretRefused();
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
    .option("--env-file <path>", "read variables from this file instead of ./.env")
    .option("--profile <name>", "config file profile to use")
    .option("--demo", "use built-in demo credentials (for trying the tool)");
}

/**
 * Which options go with which `--format`: the one table `sign` and `serve` check. An
 * option of the other format is an error when given on the command line, even with its
 * default value (`--format jwt --style dotnet`).
 */
export const FORMAT_OPTIONS = {
  ticket: ["type", "style", "created", "expiresIn", "payload", "batch", "count", "endpointTemplate", "outputFormat"],
  jwt: ["ttl", "now", "nonce", "instanceExpiresIn"],
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
  define(command: NewCommand, ctx: CommandContext): void;
}
