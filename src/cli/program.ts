import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import pkg from "../../package.json" with { type: "json" };
import { TicketError } from "../core/errors.js";
import { callback } from "./commands/callback/command.js";
import { COMPLETE_COMMAND, completion } from "./commands/completion/command.js";
import { config } from "./commands/config/command.js";
import { decode } from "./commands/decode/command.js";
import { inspect } from "./commands/inspect/command.js";
import type { CommandDefinition } from "./commands/options.js";
import { request } from "./commands/request/command.js";
import { serve } from "./commands/serve/command.js";
import { sign } from "./commands/sign/command.js";
import { verify } from "./commands/verify/command.js";
import { envFileRefused, secretRefused } from "./credentials/resolver.js";
import { exeAsset, standalone, versionText } from "./exe.js";
import { Command, CommanderError } from "./terminal/commander.js";
import type { CommandContext } from "./terminal/context.js";
import { ExitCode, ExitError, usageError } from "./terminal/exit.js";
import { envFlag, type Io } from "./terminal/io.js";
import { Ui } from "./terminal/ui.js";

const CREDENTIALS_HELP = `
Credentials: a key and its secret, as one pair from the first source that has either:
--key with --secret-file/--secret-stdin (or --profile), then SINCH_APPLICATION_KEY with
SINCH_APPLICATION_SECRET, then ./.env, then the config file's profile (see 'config').
--demo uses the built-in demo pair and nothing else.
`;

/** commander's messages as one line: `unknown option '--tpye' (Did you mean --type?)`. */
function oneLine(message: string): string {
  return (
    message
      .trim()
      .replace(/^error:\s*/, "")
      // An unknown `--name=value` or `-xVALUE` is named without its value: it may be a secret.
      .replace(/unknown option '(--[^'=]+)=[^']*'/, "unknown option '$1'")
      .replace(/unknown option '(-[^-'])[^']+'/, "unknown option '$1'")
      .replace(/\s*\n\s*/g, " ")
  );
}

/** `sinch-ticket config init`: how a user calls the command. */
function commandPath(command: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** "sign, decode, ..." : a command's visible subcommands. */
function commandList(parent: CommandUnknownOpts): string {
  return parent
    .createHelp()
    .visibleCommands(parent)
    .map((c) => c.name())
    .join(", ");
}

/**
 * Every command reports through the injected io and never exits the process itself.
 * Commands still waiting for their definition are configured once they have it.
 */
function configure(command: CommandUnknownOpts, ctx: CommandContext, pending: ReadonlyMap<string, unknown>): void {
  const { io } = ctx;
  command
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text) => {
        const line = oneLine(text);
        ctx.ui.error(/Did you mean/.test(line) ? line : `${line} (see '${commandPath(command)} --help')`);
      },
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
      // Help has no colour codes to keep: commander's own answer would create Node's stream
      // of standard output just to ask the terminal.
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .configureHelp({ showGlobalOptions: true })
    .helpOption("-h, --help", "show help")
    .helpCommand(false);
  for (const sub of command.commands) {
    if (command.parent || !pending.has(sub.name())) configure(sub, ctx, pending);
  }
}

/**
 * The command registry, in the order help lists them. The build reads it too
 * (rolldown.config.ts): each command's work is split out of the start-up file unless its
 * definition says `startup`.
 */
export const COMMANDS: CommandDefinition[] = [
  sign,
  decode,
  verify,
  config,
  serve,
  inspect,
  request,
  callback,
  completion,
];

/**
 * The whole command line. Each command defines itself and its code loads when it runs;
 * a command's options are added when it is about to run, or when help or completion
 * needs them, so a run builds only its own command.
 */
export function buildProgram(ctx: CommandContext): { program: CommandUnknownOpts; defineAll: () => void } {
  const pending = new Map(COMMANDS.map((c) => [c.name, c]));
  const created = new Map(COMMANDS.map(({ name, summary }) => [name, new Command(name).description(summary)]));
  const define = (group: CommandUnknownOpts) => {
    const definition = pending.get(group.name());
    const command = created.get(group.name());
    if (!definition || !command) return;
    pending.delete(definition.name);
    definition.define(command, ctx);
    configure(command, ctx, pending);
  };
  const defineAll = () => {
    for (const command of program.commands) define(command);
  };
  const program = new Command("sinch-ticket")
    .description("Make, inspect and verify Sinch user tickets and registration tokens (JWT).")
    .version(versionText(pkg.version), "-V, --version", "print the version")
    .option("--no-color", "no colours in output")
    .addHelpText("after", CREDENTIALS_HELP);
  if (standalone) {
    // The executable carries Node and the bundled packages: their licences travel with it.
    program.option("--licenses", "print the licences of Node and of the bundled packages").on("option:licenses", () => {
      ctx.io.stdout.write(exeAsset("LICENSES.txt"));
      throw new CommanderError(0, "sinch-ticket.licenses", "");
    });
  }
  for (const command of created.values()) program.addCommand(command);
  program
    .addCommand(
      new Command("help")
        .description("show help for a command")
        .argument("[command...]", "the command, e.g. sign or config init")
        .action((names) => {
          defineAll();
          let topic: CommandUnknownOpts = program;
          for (const name of names) {
            const next = topic.commands.find((c) => c.name() === name);
            if (!next) {
              throw usageError(
                `no help for '${names.join(" ")}': the ${topic === program ? "commands" : `${topic.name()} subcommands`} are ${commandList(topic)}`,
              );
            }
            topic = next;
          }
          topic.outputHelp();
        }),
    )
    .on("beforeAllHelp", defineAll)
    .hook("preSubcommand", (_program, group) => {
      define(group);
      // `config` alone: one line naming its subcommands (a mistyped one gets commander's
      // suggestion, `config --help` the help).
      const rest = program.args.slice(1);
      if (group.commands.length > 0 && !rest.some((a) => !a.startsWith("-") || a === "-h" || a === "--help")) {
        throw usageError(`${group.name()} needs a subcommand: ${commandList(group)}`);
      }
    })
    .hook("preAction", (_program, action) => {
      ctx.ui.color = program.opts().color !== false;
      ctx.json = action.opts().json === true;
      // `--secret` without a value (with one it is refused while parsing).
      if (action.getOptionValue("secret") !== undefined) throw secretRefused();
      // Node's own flag, refused before any input is read.
      if (action.getOptionValue("envFile") !== undefined) throw envFileRefused();
    });
  configure(program, ctx, pending);
  return { program, defineAll };
}

/**
 * Parses `argv` and runs the command. The only place that turns results and errors into
 * an exit code; it never exits the process itself.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const ctx: CommandContext = { io, ui: new Ui(io), exitCode: ExitCode.ok };
  // Before its options are parsed (a usage error), a command wants JSON if --json was typed.
  const end = argv.indexOf("--");
  ctx.json = (end === -1 ? argv : argv.slice(0, end)).includes("--json");
  try {
    const { program, defineAll } = buildProgram(ctx);
    if (argv[0] === COMPLETE_COMMAND) {
      // The shells' completion scripts call back with the words typed so far, verbatim.
      defineAll();
      return (await import("./commands/completion/complete.js")).complete(program, argv.slice(1), ctx);
    }
    await program.parseAsync(argv.length === 0 ? ["--help"] : argv, { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    return handleError(error, ctx);
  }
}

function handleError(error: unknown, ctx: CommandContext): number {
  const { io, ui } = ctx;
  if (error instanceof CommanderError) {
    // commander has already said what was wrong (or shown the help or version asked for).
    if (error.exitCode === 0) return ExitCode.ok;
    return jsonError(ctx, oneLine(error.message), ExitCode.usage);
  }
  if (error instanceof ExitError) {
    if (error.message) ui.error(error.message);
    return jsonError(ctx, error.message, error.exitCode, error.details);
  }
  if (error instanceof TicketError) {
    ui.error(error.message);
    return jsonError(ctx, error.message, error.code === "malformed" ? ExitCode.malformed : ExitCode.usage);
  }
  const message = error instanceof Error ? error.message : String(error);
  ui.error(`internal error: ${message}`);
  if (envFlag(io.env.SINCH_TICKET_DEBUG) && error instanceof Error && error.stack) {
    io.stderr.write(`${error.stack}\n`);
  } else {
    io.stderr.write("(set SINCH_TICKET_DEBUG=1 to see the stack trace)\n");
  }
  return jsonError(ctx, `internal error: ${message}`, ExitCode.internal);
}

/**
 * With --json, the error that ended the command is a document on stdout too, one line, so
 * that it is the last line of an NDJSON stream as well: scripts read `.error` and
 * `.exitCode` and need no `pipefail`.
 */
function jsonError(
  ctx: CommandContext,
  message: string,
  exitCode: number,
  details: Record<string, unknown> = {},
): number {
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ error: message, exitCode, ...details })}\n`);
  return exitCode;
}
