import { type Command, Option } from "commander";
import { secretRefused } from "../credentials/resolver.js";
import type { CommandContext } from "../terminal/context.js";

/**
 * `--secret`: never shown, never suggested, refused as soon as it is read (with a value)
 * or before the command runs (without one), naming the alternatives.
 */
export function secretOption(): Option {
  return new Option("--secret [value]").hideHelp().argParser(() => {
    throw secretRefused();
  });
}

/** `--secret-file` and `--secret-stdin`, which exclude each other. */
export function addSecretSourceOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--secret-file <path>", "read the application secret from this file").conflicts("secretStdin"),
    )
    .option("--secret-stdin", "read the application secret from standard input")
    .addOption(secretOption());
}

/** The flags of every command that needs the application's credentials. */
export function addCredentialOptions(command: Command): Command {
  command.option("--key <key>", "application key");
  addSecretSourceOptions(command);
  return command
    .option("--env-file <path>", "read variables from this file instead of ./.env")
    .option("--profile <name>", "config file profile to use")
    .option("--demo", "use built-in demo credentials (for trying the tool)");
}

/** `--webhook-secret-file`: the Conversation/SMS/Numbers webhook secret. */
export function addWebhookSecretOption(command: Command): Command {
  return command.option(
    "--webhook-secret-file <path>",
    "read the webhook secret (Conversation, SMS, Numbers) from this file; else SINCH_WEBHOOK_SECRET",
  );
}

/** Examples under a command's help, as `$ sinch-ticket ...` lines. */
export function examples(command: Command, lines: string[]): Command {
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
  define(command: Command, ctx: CommandContext): void;
}
