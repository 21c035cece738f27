import type { NewCommand } from "../options.js";

/** `decode`'s arguments and options. */
export function decodeOptions(command: NewCommand) {
  return command
    .argument("[ticket]", "the ticket, or - to read standard input")
    .option("--json", "print one JSON object");
}

/** The options of `decode`, as commander parsed and checked them. */
export type DecodeFlags = ReturnType<ReturnType<typeof decodeOptions>["opts"]>;
