import pkg from "../../package.json" with { type: "json" };
import type { TicketError } from "../core/errors.js";
import { type CommandSpec, commandHelp, type OptionSpec, parseCommand, suggest } from "./args.js";
import type { CommandContext } from "./terminal/context.js";
import { ExitCode, type ExitError, usageError } from "./terminal/exit.js";
import { envFlag, type Io } from "./terminal/io.js";
import { Ui } from "./terminal/ui.js";

const PROGRAM = "sinch-ticket";

const CREDENTIAL_OPTIONS: OptionSpec[] = [
  { name: "key", value: "<key>", description: "application key" },
  { name: "secret-file", value: "<path>", description: "read the application secret from this file" },
  { name: "secret-stdin", description: "read the application secret from standard input" },
  { name: "env-file", value: "<path>", description: "read variables from this file instead of ./.env" },
  { name: "profile", value: "<name>", description: "config file profile to use" },
  { name: "demo", description: "use built-in demo credentials (for trying the tool)" },
  // Refused with a message naming the alternatives; never shown in help.
  { name: "secret", value: "<value>", description: "", hidden: true },
];
const JSON_OPTION: OptionSpec = { name: "json", description: "print one JSON object" };

// Each command's code is loaded only when that command runs: start-up stays close to
// bare Node, whatever the other commands need.
const config = () => import("./commands/config/run.js");

function commands(ctx: () => CommandContext): CommandSpec<never>[] {
  // biome-ignore lint/suspicious/noExplicitAny: each command declares its own flag type
  const specs: CommandSpec<any>[] = [
    {
      name: "sign",
      summary: "Sign a user ticket for an endpoint.",
      args: [{ name: "endpoint", description: "the user the ticket is for (asked for when run by a person)" }],
      options: [
        {
          name: "type",
          short: "t",
          value: "<type>",
          description: "identity type: username (default), email or number",
        },
        { name: "style", value: "<layout>", description: "ticket layout: dotnet (default) or js" },
        {
          name: "created",
          value: "<time>",
          description: "put this time in the ticket instead of now (ISO 8601 with zone, or -2h)",
        },
        { name: "expires-in", value: "<duration>", description: "add expiresIn (3600, 90s, 15m, 1h, 2d)" },
        { name: "payload", value: "<file|->", description: "sign this exact JSON object text instead of building one" },
        {
          name: "format",
          value: "<format>",
          description: "ticket (default) or jwt (registration token for the newer SDKs)",
        },
        { name: "ttl", value: "<duration>", description: "jwt: lifetime, exp - iat (default 10m, at least 60s)" },
        { name: "now", value: "<time>", description: "jwt: the iat (default now)" },
        { name: "nonce", value: "<value>", description: "jwt: the nonce (default a random UUID)" },
        {
          name: "instance-expires-in",
          value: "<duration>",
          description: "jwt: sets sinch:rtc:instance:exp (at least 48h)",
        },
        { name: "json", description: "print one JSON object instead of the bare ticket" },
        { name: "no-input", description: "never prompt" },
        {
          name: "batch",
          value: "<file|->",
          description: "sign one identity per line (NDJSON, CSV with an endpoint column, or plain)",
        },
        { name: "count", value: "<n>", description: "sign n generated identities (with --endpoint-template)" },
        { name: "endpoint-template", value: "<text>", description: "endpoint for --count, {n} replaced by 1..n" },
        { name: "output-format", value: "<format>", description: "batch output: ndjson (default) or csv" },
        ...CREDENTIAL_OPTIONS,
      ],
      examples: [
        `${PROGRAM} sign --demo alice`,
        `${PROGRAM} sign --batch users.csv > tickets.ndjson`,
        `${PROGRAM} sign --count 1000 --endpoint-template 'user{n}' --output-format csv`,
        `${PROGRAM} sign --type email --json alice@example.com`,
        `${PROGRAM} sign --style js --expires-in 1h alice`,
        `${PROGRAM} sign --format jwt --ttl 1h alice`,
      ],
      run: async ([endpoint], flags) => (await import("./commands/sign/run.js")).signCommand(endpoint, flags, ctx()),
    },
    {
      name: "decode",
      summary: "Show what a ticket contains. Checks nothing: use verify for that.",
      args: [{ name: "ticket", description: "the ticket, or - to read standard input" }],
      options: [JSON_OPTION],
      examples: [`${PROGRAM} decode 'eyJ...:3/BO...='`, `pbpaste | ${PROGRAM} decode --json`],
      run: async ([ticket], flags) => (await import("./commands/decode/run.js")).decodeCommand(ticket, flags, ctx()),
    },
    {
      name: "verify",
      summary: "Check a ticket's format, application key, signature and times; explain a failure.",
      args: [{ name: "ticket", description: "the ticket, or - to read standard input" }],
      options: [
        { name: "clock-skew", value: "<duration>", description: "tolerance for clocks that disagree", default: "5m" },
        { name: "max-age", value: "<duration>", description: "refuse tickets created longer ago than this" },
        { name: "now", value: "<time>", description: "verify as of this time (ISO 8601 with zone, or -2h)" },
        { name: "ignore-time", description: "skip the created and expiry checks" },
        { name: "quiet", short: "q", description: "print nothing; the exit code tells" },
        {
          name: "batch",
          value: "<file|->",
          description: "verify one ticket per line (bare, or NDJSON with userTicket)",
        },
        JSON_OPTION,
        ...CREDENTIAL_OPTIONS,
      ],
      examples: [`${PROGRAM} verify "$TICKET"`, `${PROGRAM} verify --json --max-age 1h < ticket.txt`],
      run: async ([ticket], flags) => (await import("./commands/verify/run.js")).verifyCommand(ticket, flags, ctx()),
    },
    {
      name: "config init",
      summary: "Store an application key and secret in a profile (asks when run by a person).",
      args: [],
      options: [
        { name: "profile", value: "<name>", description: "profile to write (default: SINCH_PROFILE, else default)" },
        { name: "force", description: "replace an existing profile without asking" },
        { name: "key", value: "<key>", description: "application key" },
        { name: "secret-file", value: "<path>", description: "read the application secret from this file" },
        { name: "secret-stdin", description: "read the application secret from standard input" },
        { name: "no-input", description: "never prompt" },
        { name: "secret", value: "<value>", description: "", hidden: true },
      ],
      examples: [
        `${PROGRAM} config init --profile prod`,
        `${PROGRAM} config init --key KEY --secret-stdin < secret.txt`,
      ],
      run: async (_args, flags) => (await config()).configInit(flags, ctx()),
    },
    {
      name: "config show",
      summary: "Show the credentials commands would use, and where each comes from.",
      args: [],
      options: [JSON_OPTION, ...CREDENTIAL_OPTIONS],
      run: async (_args, flags) => (await config()).configShow(flags, ctx()),
    },
    {
      name: "config list",
      summary: "List the profiles in the config file.",
      args: [],
      options: [JSON_OPTION],
      run: async (_args, flags) => (await config()).configList(flags, ctx()),
    },
    {
      name: "config use",
      summary: "Make a profile the default.",
      args: [{ name: "profile", required: true, description: "profile name" }],
      options: [],
      run: async ([name], _flags) => (await config()).configUse(name as string, ctx()),
    },
    {
      name: "config remove",
      summary: "Remove a profile.",
      args: [{ name: "profile", required: true, description: "profile name" }],
      options: [],
      run: async ([name], _flags) => (await config()).configRemove(name as string, ctx()),
    },
    {
      name: "config path",
      summary: "Print the config file's path.",
      args: [],
      options: [],
      run: async () => (await config()).configPathCommand(ctx()),
    },
  ];
  return specs;
}

function programHelp(specs: CommandSpec<never>[]): string {
  const w = Math.max(...specs.map((s) => s.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Make, inspect and verify Sinch user tickets and registration tokens (JWT).",
    "",
    "Commands:",
    ...specs.map((s) => `  ${s.name.padEnd(w)}  ${s.summary}`),
    "",
    "Options:",
    "  -h, --help     show help (also after a command)",
    "  -V, --version  print the version",
    "  --no-color     no colours in output",
    "",
    "Credentials: --key/--secret-file/--secret-stdin, then SINCH_APPLICATION_KEY and",
    "SINCH_APPLICATION_SECRET, then ./.env, then the config file profile.",
    `Run '${PROGRAM} <command> --help' for a command's options.`,
    "",
  ].join("\n");
}

/** The secret never goes on the command line: refuse it before anything else looks at argv. */
function refuseSecretArgument(argv: string[]): void {
  if (argv.some((a) => a === "--secret" || a.startsWith("--secret="))) {
    throw usageError(
      "--secret is not accepted: command lines are visible in process lists and shell history; use --secret-file <path>, --secret-stdin, SINCH_APPLICATION_SECRET, a .env file, or `sinch-ticket config init`",
    );
  }
}

/**
 * Parses `argv` and runs the command. The only place that turns results and errors into
 * an exit code; it never exits the process itself.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  let ui = new Ui(io, !argv.includes("--no-color"));
  const ctx = (): CommandContext => ({ io, ui });
  const specs = commands(ctx);
  try {
    const until = argv.indexOf("--");
    refuseSecretArgument(until === -1 ? argv : argv.slice(0, until));
    const words = argv.filter((a) => a !== "--no-color");
    const first = words[0];
    if (first === undefined || first === "-h" || first === "--help" || first === "help") {
      const asked = first === "help" ? words.slice(1) : [];
      const topic = specs.find((s) => s.name === asked.slice(0, 2).join(" ")) ?? specs.find((s) => s.name === asked[0]);
      if (asked.length > 0 && !topic) {
        const names = [...new Set(specs.map((s) => s.name.split(" ")[0] as string))];
        throw usageError(`no help for '${asked.join(" ")}': the commands are ${names.join(", ")}`);
      }
      io.stdout.write(topic ? commandHelp(topic, PROGRAM) : programHelp(specs));
      return ExitCode.ok;
    }
    if (first === "-V" || first === "--version") {
      io.stdout.write(`${pkg.version}\n`);
      return ExitCode.ok;
    }
    const twoWords = `${words[0]} ${words[1] ?? ""}`;
    const spec = specs.find((s) => s.name === twoWords) ?? specs.find((s) => s.name === first);
    if (!spec) {
      if (first === "config") {
        const subs = specs.filter((s) => s.name.startsWith("config ")).map((s) => s.name.slice(7));
        throw usageError(
          words[1] === undefined
            ? `config needs a subcommand: ${subs.join(", ")}`
            : `unknown config subcommand '${words[1]}'${suggest(words[1], subs)}`,
        );
      }
      const names = [...new Set(specs.map((s) => s.name.split(" ")[0] as string))];
      throw usageError(
        first.startsWith("-")
          ? `unknown option '${first.split("=")[0]}' (options go after the command)`
          : `unknown command '${first}'${suggest(first, names)}`,
      );
    }
    const rest = argv.slice(argv.indexOf(first) + spec.name.split(" ").length);
    const parsed = parseCommand(spec, rest);
    ui = new Ui(io, parsed.flags.color !== false);
    if (parsed.help) {
      io.stdout.write(commandHelp(spec, PROGRAM));
      return ExitCode.ok;
    }
    return await spec.run(parsed.args, parsed.flags as never);
  } catch (error) {
    return handleError(error, io, ui);
  }
}

/**
 * Commands are bundled in files of their own, each with its own copy of the error
 * classes, so errors are recognised by their shape rather than by `instanceof`.
 */
function isExitError(error: unknown): error is ExitError {
  return error instanceof Error && error.name === "ExitError" && typeof (error as ExitError).exitCode === "number";
}

function isTicketError(error: unknown): error is TicketError {
  return (
    error instanceof Error &&
    ["TicketError", "MalformedTicketError", "InvalidInputError"].includes(error.name) &&
    typeof (error as TicketError).code === "string"
  );
}

function handleError(error: unknown, io: Io, ui: Ui): number {
  if (isExitError(error)) {
    if (error.message) ui.error(error.message);
    if (error.exitCode === ExitCode.usage && /^(unknown|too many|missing argument|option )/.test(error.message)) {
      io.stderr.write(`(add --help for usage)\n`);
    }
    return error.exitCode;
  }
  if (isTicketError(error)) {
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
