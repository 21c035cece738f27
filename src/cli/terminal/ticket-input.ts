import { describeAmbiguity, type ReadInput, readInput } from "../../core/read.js";
import { usageError } from "./exit.js";
import { type Io, readAll, stripOneNewline } from "./io.js";

/**
 * The ticket for decode and verify, read once: the argument, or standard input when the
 * argument is `-` or absent and standard input is not a terminal.
 */
export async function readTicketArgument(arg: string | undefined, io: Io, stdinTaken: boolean): Promise<ReadInput> {
  return oneTicket(readInput(await readText(arg, io, stdinTaken)));
}

/** Text holding two or more different tickets is refused: which one was meant? */
function oneTicket(input: ReadInput): ReadInput {
  if (input.kind === "ambiguous") {
    throw usageError(`found ${describeAmbiguity(input.found)}: pass one, or put one per line and use verify --batch`);
  }
  return input;
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
