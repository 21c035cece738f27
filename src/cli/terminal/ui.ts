import { inspect } from "node:util";
import { envFlag, type Io, type OutStream } from "./io.js";

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
export type Paint = (style: Style, text: string) => string;

/**
 * Colour is decided here and nowhere else: off with --no-color or NO_COLOR, on with
 * FORCE_COLOR, otherwise only on a terminal.
 */
export function colorEnabled(stream: OutStream, env: Io["env"], colorFlag: boolean): boolean {
  if (!colorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return envFlag(env.FORCE_COLOR) || env.FORCE_COLOR === "";
  return stream.isTTY === true && env.TERM !== "dumb";
}

/** Decides on first use: asking whether a stream is a terminal costs start-up time. */
function painter(enabled: () => boolean): Paint {
  let on: boolean | undefined;
  return (style, text) => {
    on ??= enabled();
    if (!on) return text;
    const [open, close] = inspect.colors[style] ?? [0, 0];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

/** Printing for commands: results to stdout, everything else to stderr. */
export class Ui {
  readonly out: Paint;
  readonly err: Paint;
  quiet = false;
  constructor(
    readonly io: Io,
    color: boolean,
  ) {
    this.out = painter(() => colorEnabled(io.stdout, io.env, color));
    this.err = painter(() => colorEnabled(io.stderr, io.env, color));
  }

  /** A result line on stdout. */
  print(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  error(message: string): void {
    this.io.stderr.write(`${this.err("red", "error:")} ${message}\n`);
  }

  warn(message: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.err("yellow", "warning:")} ${message}\n`);
  }

  note(message: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.err("dim", "note:")} ${message}\n`);
  }
}
