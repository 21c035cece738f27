import type { Io } from "./io.js";
import type { Ui } from "./ui.js";

export interface CommandContext {
  io: Io;
  ui: Ui;
}

/** Pretty JSON for --json output: one document on stdout. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
