import type { ChalkInstance } from "chalk";
import { escapeForTerminal } from "../../core/escape.js";
import { chalkModule } from "./chalk-module.js";
import type { Io } from "./io.js";

/** The named styles of the tool's output; every colour goes through these. */
export type Style = "ok" | "fail" | "skip" | "warn" | "dim" | "bold";
export type Paint = (style: Style, text: string) => string;

const STYLES: Record<Style, (c: ChalkInstance) => (text: string) => string> = {
  ok: (c) => c.green,
  fail: (c) => c.red,
  warn: (c) => c.yellow,
  skip: (c) => c.dim,
  dim: (c) => c.dim,
  bold: (c) => c.bold,
};

/**
 * Whether chalk need be asked at all. Where the output is no terminal, chalk turns colour
 * on only when the environment forces it (FORCE_COLOR, or Azure Pipelines' TF_BUILD with
 * AGENT_NAME; its `--color` flags are no options of this program). Anywhere else its answer
 * is "no colour", and loading it to hear that would cost a run into a pipe or a file
 * milliseconds of start-up.
 */
function mayColor(io: Io, stream: "stdout" | "stderr"): boolean {
  const { env } = io;
  return (
    io[stream].isTTY === true ||
    env.FORCE_COLOR !== undefined ||
    (env.TF_BUILD !== undefined && env.AGENT_NAME !== undefined)
  );
}

/**
 * The chalk instance for one stream, or null for no colour at all. `NO_COLOR` and
 * `--no-color` switch colour off; otherwise chalk decides from the real terminal (TTY,
 * FORCE_COLOR, TERM), or a test's io says what its fake terminal supports.
 */
function chalkFor(io: Io, stream: "stdout" | "stderr", colorFlag: boolean): ChalkInstance | null {
  if (!colorFlag || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "")) return null;
  const level = io.colorLevels?.[stream];
  if (level === undefined && !mayColor(io, stream)) return null;
  const { Chalk, chalkStderr, default: chalkStdout } = chalkModule();
  if (level !== undefined) return new Chalk({ level });
  return stream === "stdout" ? chalkStdout : chalkStderr;
}

/** Printing for commands: results to stdout, everything else to stderr. */
export class Ui {
  /** Set from `--no-color` once the command line is parsed. */
  color = true;
  quiet = false;
  private painters: Partial<Record<"stdout" | "stderr", ChalkInstance | null>> = {};

  constructor(readonly io: Io) {}

  private paint(stream: "stdout" | "stderr", style: Style, text: string): string {
    if (this.painters[stream] === undefined) this.painters[stream] = chalkFor(this.io, stream, this.color);
    const chalk = this.painters[stream];
    return chalk ? STYLES[style](chalk)(text) : text;
  }

  /** Paints text for stdout. */
  readonly out: Paint = (style, text) => this.paint("stdout", style, text);
  /** Paints text for stderr. */
  readonly err: Paint = (style, text) => this.paint("stderr", style, text);

  // Messages quote outside values (file names, header values, a ticket's fields): each
  // message goes out through the one escaping function, so none can move the cursor,
  // set the window title or reorder what the terminal shows.

  /** A result line on stdout. */
  print(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  error(message: string): void {
    this.io.stderr.write(`${this.err("fail", "error:")} ${escapeForTerminal(message)}\n`);
  }

  warn(message: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.err("warn", "warning:")} ${escapeForTerminal(message)}\n`);
  }

  note(message: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.err("dim", "note:")} ${escapeForTerminal(message)}\n`);
  }

  /** A note that `--quiet` keeps: the one line a batch run ends with. */
  summary(message: string): void {
    this.io.stderr.write(`${this.err("dim", "note:")} ${escapeForTerminal(message)}\n`);
  }
}
