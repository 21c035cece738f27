import { Option } from "commander";
import { portArg } from "../../terminal/options.js";
import { addCredentialOptions, type CommandDefinition, examples } from "../options.js";

/** `sinch-ticket inspect`: a local page that takes a pasted ticket apart. */
export const inspect: CommandDefinition = {
  name: "inspect",
  summary: "Open a local page that takes a pasted ticket or token apart and verifies it.",
  define(command, ctx) {
    command
      .addOption(new Option("--port <port>", "port on 127.0.0.1; 0 picks a free one").argParser(portArg).default(0))
      .option("--no-open", "print the address only; do not open a browser");
    addCredentialOptions(command);
    examples(command, ["inspect", "inspect --profile prod --no-open", "inspect --port 8787"]);
    command.action(async (flags) => {
      ctx.exitCode = await (await import("./run.js")).inspect(flags, ctx);
    });
  },
};
