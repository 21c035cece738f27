import type { Io } from "./io.js";
import type { Ui } from "./ui.js";

export interface CommandContext {
  io: Io;
  ui: Ui;
  /** What the command's action decided; the program turns it into the process's exit code. */
  exitCode: number;
  /**
   * The command was asked for `--json`: an error that ends it is a JSON document on stdout
   * too (`{"error", "exitCode"}`), written by the one exit point.
   */
  json?: boolean;
}

/** Pretty JSON for --json output: one document on stdout. */
export function printJson(ctx: Pick<CommandContext, "io">, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
