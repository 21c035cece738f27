import chalkStdout, { Chalk, type ChalkInstance, chalkStderr } from "chalk";
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
 * A chalk instance for one stream. chalk decides from the real terminal (TTY, FORCE_COLOR,
 * `--no-color` in argv, TERM); a test's io may say what its fake terminal supports. On
 * top of that, `NO_COLOR` and `--no-color` always switch colour off.
 */
function chalkFor(io: Io, stream: "stdout" | "stderr", colorFlag: boolean): ChalkInstance {
  const off = !colorFlag || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "");
  if (off) return new Chalk({ level: 0 });
  const given = io.colorLevels?.[stream];
  if (given !== undefined) return new Chalk({ level: given });
  return stream === "stdout" ? chalkStdout : chalkStderr;
}

/** Printing for commands: results to stdout, everything else to stderr. */
export class Ui {
  /** Set from `--no-color` once the command line is parsed. */
  color = true;
  quiet = false;
  private painters: Partial<Record<"stdout" | "stderr", ChalkInstance>> = {};

  constructor(readonly io: Io) {}

  private paint(stream: "stdout" | "stderr", style: Style, text: string): string {
    this.painters[stream] ??= chalkFor(this.io, stream, this.color);
    return STYLES[style](this.painters[stream])(text);
  }

  /** Paints text for stdout. */
  readonly out: Paint = (style, text) => this.paint("stdout", style, text);
  /** Paints text for stderr. */
  readonly err: Paint = (style, text) => this.paint("stderr", style, text);

  /** A result line on stdout. */
  print(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  error(message: string): void {
    this.io.stderr.write(`${this.err("fail", "error:")} ${message}\n`);
  }

  warn(message: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.err("warn", "warning:")} ${message}\n`);
  }

  note(message: string): void {
    if (!this.quiet) this.io.stderr.write(`${this.err("dim", "note:")} ${message}\n`);
  }
}
