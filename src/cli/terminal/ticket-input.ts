import { usageError } from "./exit.js";
import { type Io, readAll, stripOneNewline } from "./io.js";

/**
 * The ticket for decode and verify: the argument, or standard input when the argument is
 * `-` or absent and standard input is not a terminal.
 */
export async function readTicketArgument(arg: string | undefined, io: Io, stdinTaken: boolean): Promise<string> {
  if (arg !== undefined && arg !== "-") return arg;
  if (stdinTaken) {
    throw usageError("standard input is already used for the secret (--secret-stdin): pass the ticket as an argument");
  }
  if (arg === undefined && io.stdin.isTTY) {
    throw usageError("missing ticket: pass it as an argument, or pipe it to standard input");
  }
  // The line ending a pipe or file adds is not worth a note; anything more is.
  const text = stripOneNewline(await readAll(io.stdin));
  if (text.trim() === "") throw usageError("no ticket on standard input");
  return text;
}
