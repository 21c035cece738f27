import { describeAmbiguity, normalizeTicketInput } from "../../core/normalize.js";
import { usageError } from "./exit.js";
import { type Io, readAll, stripOneNewline } from "./io.js";

/**
 * The ticket for decode and verify: the argument, or standard input when the argument is
 * `-` or absent and standard input is not a terminal.
 */
export async function readTicketArgument(arg: string | undefined, io: Io, stdinTaken: boolean): Promise<string> {
  return oneTicket(await readText(arg, io, stdinTaken));
}

/** Text holding two or more different tickets is refused: which one was meant? */
function oneTicket(text: string): string {
  const { ambiguous } = normalizeTicketInput(text);
  if (ambiguous) {
    throw usageError(`found ${describeAmbiguity(ambiguous)}: pass one, or put one per line and use verify --batch`);
  }
  return text;
}

async function readText(arg: string | undefined, io: Io, stdinTaken: boolean): Promise<string> {
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
