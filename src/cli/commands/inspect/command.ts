import { type CommandDefinition, examples } from "../options.js";
import { inspectOptions } from "./options.js";

/** `sinch-ticket inspect`: a local page that takes a pasted ticket apart. */
export const inspect: CommandDefinition = {
  name: "inspect",
  summary: "Open a local page that takes a pasted ticket or token apart and verifies it.",
  define(command, ctx) {
    const defined = inspectOptions(command);
    examples(defined, ["inspect", "inspect --profile prod --no-open", "inspect --port 8787"]);
    defined.action(async (flags) => {
      ctx.exitCode = await (await import("./run.js")).inspect(flags, ctx);
    });
  },
};
