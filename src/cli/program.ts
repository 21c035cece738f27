import { Command, CommanderError, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { TicketError } from "../core/errors.js";
import { configInit, configList, configPathCommand, configRemove, configShow, configUse } from "./commands/config.js";
import { decodeCommand } from "./commands/decode.js";
import { signCommand } from "./commands/sign.js";
import { verifyCommand } from "./commands/verify.js";
import type { CommandContext } from "./context.js";
import { ExitCode, ExitError } from "./exit.js";
import { envFlag, type Io } from "./io.js";
import { Ui } from "./ui.js";

function withCredentialOptions(cmd: Command): Command {
  return cmd
    .option("--key <key>", "application key")
    .option("--secret-file <path>", "read the application secret from this file")
    .option("--secret-stdin", "read the application secret from standard input")
    .option("--env-file <path>", "read variables from this file instead of ./.env")
    .option("--profile <name>", "config file profile to use")
    .option("--demo", "use built-in demo credentials (for trying the tool)")
    .addOption(new Option("--secret [value]").hideHelp());
}

/** Hides option values in commander's messages: `--secrte=abc` must not be echoed. */
function redact(message: string): string {
  return message.replace(/(--?[\w-]+)=[^'"\s]*/g, "$1=…");
}

const EXAMPLES = `
Examples:
  $ sinch-ticket sign --demo alice
  $ sinch-ticket sign --type email --json alice@example.com
  $ sinch-ticket decode 'eyJ...:3/BO...'
  $ sinch-ticket verify --json < ticket.txt

Credentials: --key/--secret-file/--secret-stdin, then SINCH_APPLICATION_KEY and
SINCH_APPLICATION_SECRET, then ./.env, then the config file profile.`;

/**
 * Parses `argv` and runs the command. The only place that turns results and errors into
 * an exit code; it never exits the process itself.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let ui: Ui | undefined;
  const program = new Command("sinch-ticket");
  const context = (cmd: Command): CommandContext => {
    ui = new Ui(io, cmd.optsWithGlobals().color !== false);
    return { io, ui };
  };

  program
    .description("Make, inspect and verify Sinch user tickets")
    .version(pkg.version, "-V, --version")
    .option("--no-color", "no colours in output")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(redact(s)),
    })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", EXAMPLES);

  withCredentialOptions(
    program
      .command("sign")
      .description("sign a user ticket for an endpoint")
      .argument("[endpoint]", "the user the ticket is for (prompted for when run by a person)")
      .option("-t, --type <type>", "identity type: username (default), email or number")
      .option("--style <layout>", "ticket layout: dotnet (default) or js")
      .option("--created <time>", "put this time in the ticket instead of now (ISO 8601 with zone, or -2h)")
      .option("--expires-in <duration>", "add expiresIn (3600, 90s, 15m, 1h, 2d)")
      .option("--payload <file|->", "sign this exact JSON object text instead of building one")
      .option("--format <format>", "ticket (default)")
      .option("--json", "print one JSON object instead of the bare ticket")
      .option("--no-input", "never prompt"),
  ).action(async (endpoint: string | undefined, flags, cmd: Command) => {
    exitCode = await signCommand(endpoint, flags, context(cmd));
  });

  program
    .command("decode")
    .description("show what a ticket contains (does not check the signature)")
    .argument("[ticket]", "the ticket, or - to read standard input")
    .option("--json", "print one JSON object")
    .action(async (ticket: string | undefined, flags, cmd: Command) => {
      exitCode = await decodeCommand(ticket, flags, context(cmd));
    });

  withCredentialOptions(
    program
      .command("verify")
      .description("check a ticket's format, application key, signature and times")
      .argument("[ticket]", "the ticket, or - to read standard input")
      .option("--clock-skew <duration>", "tolerance for clocks that disagree", "5m")
      .option("--max-age <duration>", "refuse tickets created longer ago than this")
      .option("--now <time>", "verify as of this time (ISO 8601 with zone, or -2h)")
      .option("--ignore-time", "skip the created and expiry checks")
      .option("-q, --quiet", "print nothing; the exit code tells")
      .option("--json", "print one JSON object"),
  ).action(async (ticket: string | undefined, flags, cmd: Command) => {
    exitCode = await verifyCommand(ticket, flags, context(cmd));
  });

  const config = program.command("config").description("set up and inspect credential profiles");
  config
    .command("init")
    .description("store an application key and secret in a profile (asks when run by a person)")
    .option("--profile <name>", "profile to write (default: SINCH_PROFILE, else default)")
    .option("--force", "replace an existing profile without asking")
    .option("--key <key>", "application key")
    .option("--secret-file <path>", "read the application secret from this file")
    .option("--secret-stdin", "read the application secret from standard input")
    .option("--no-input", "never prompt")
    .addOption(new Option("--secret [value]").hideHelp())
    .action(async (flags, cmd: Command) => {
      exitCode = await configInit(flags, context(cmd));
    });
  withCredentialOptions(
    config
      .command("show")
      .description("show the credentials commands would use, and where each comes from")
      .option("--json", "print one JSON object"),
  ).action(async (flags, cmd: Command) => {
    exitCode = await configShow(flags, context(cmd));
  });
  config
    .command("list")
    .description("list the profiles in the config file")
    .option("--json", "print one JSON object")
    .action(async (flags, cmd: Command) => {
      exitCode = await configList(flags, context(cmd));
    });
  config
    .command("use")
    .description("make a profile the default")
    .argument("<profile>")
    .action(async (name: string, _flags, cmd: Command) => {
      exitCode = await configUse(name, context(cmd));
    });
  config
    .command("remove")
    .description("remove a profile")
    .argument("<profile>")
    .action(async (name: string, _flags, cmd: Command) => {
      exitCode = await configRemove(name, context(cmd));
    });
  config
    .command("path")
    .description("print the config file's path")
    .action(async (_flags, cmd: Command) => {
      exitCode = await configPathCommand(context(cmd));
    });

  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return handleError(error, io, ui ?? new Ui(io, !argv.includes("--no-color")));
  }
}

function handleError(error: unknown, io: Io, ui: Ui): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof ExitError) {
    if (error.message) ui.error(error.message);
    return error.exitCode;
  }
  if (error instanceof TicketError) {
    ui.error(error.message);
    return error.code === "malformed" ? ExitCode.malformed : ExitCode.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  ui.error(`internal error: ${message}`);
  if (envFlag(io.env.SINCH_TICKET_DEBUG) && error instanceof Error && error.stack) {
    io.stderr.write(`${error.stack}\n`);
  } else {
    io.stderr.write("(set SINCH_TICKET_DEBUG=1 to see the stack trace)\n");
  }
  return ExitCode.internal;
}
