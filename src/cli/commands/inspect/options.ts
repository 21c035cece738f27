import { Option } from "../../terminal/commander.js";
import { portArg } from "../../terminal/options.js";
import { addCredentialOptions, type NewCommand } from "../options.js";

/** `inspect`'s arguments and options. */
export function inspectOptions(command: NewCommand) {
  return addCredentialOptions(
    command
      .addOption(new Option("--port <port>", "port on 127.0.0.1; 0 picks a free one").argParser(portArg).default(0))
      .option("--no-open", "print the address only; do not open a browser"),
  );
}

/** The options of `inspect`, as commander parsed and checked them. */
export type InspectFlags = ReturnType<ReturnType<typeof inspectOptions>["opts"]>;
