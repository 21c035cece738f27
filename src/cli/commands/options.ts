import { type Command, Option } from "commander";
import { envFileRefused, secretRefused } from "../credentials/resolver.js";
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

/**
 * `--env-file`: Node takes it for itself wherever it appears (the binary's shebang ends
 * Node's options with `--` so that it reaches the tool); refused, naming `--dotenv`.
 */
export function envFileOption(): Option {
  return new Option("--env-file [path]").hideHelp().argParser(() => {
    throw envFileRefused();
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
    .option("--dotenv <path>", "read variables from this .env file instead of ./.env")
    .addOption(envFileOption())
    .option("--profile <name>", "config file profile to use")
    .option("--demo", "use built-in demo credentials (for trying the tool)");
}

/** What decode and verify find a ticket or token in, for their help. */
export function pastedInputHelp(command: Command): Command {
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

/** The exit codes a command can end with, for its help (after its examples). */
export function exitCodesHelp(command: Command, codes: [number, string][]): Command {
  const lines = codes.map(([code, meaning]) => `  ${String(code).padEnd(4)}${meaning}`);
  return command.addHelpText("after", `Exit codes:\n${lines.join("\n")}\n`);
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
