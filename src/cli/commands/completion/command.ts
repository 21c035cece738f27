import { Argument } from "../../terminal/commander.js";
import { type CommandDefinition, examples } from "../options.js";
import { completionScript, SHELLS } from "./scripts.js";

/** The hidden command the completion scripts call with the words typed so far. */
export const COMPLETE_COMMAND = "__complete";

/** `sinch-ticket completion <shell>`: a script that completes from these very definitions. */
export const completion: CommandDefinition = {
  name: "completion",
  summary: "Print a shell completion script (bash, zsh or fish); see the README to install it.",
  define(command, ctx) {
    const defined = command.addArgument(new Argument("<shell>", "the shell").choices(SHELLS));
    examples(defined, [
      "completion bash > ~/.local/share/bash-completion/completions/sinch-ticket",
      'completion zsh > "${fpath[1]}/_sinch-ticket"',
      "completion fish > ~/.config/fish/completions/sinch-ticket.fish",
    ]);
    defined.action((shell) => {
      ctx.io.stdout.write(completionScript(shell));
      ctx.exitCode = 0;
    });
  },
};
