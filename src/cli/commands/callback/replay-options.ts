import { Command } from "../../terminal/commander.js";
import { addCredentialOptions, addWebhookSecretOption } from "../options.js";

/** `callback replay`'s arguments and options. */
export function replayCommand() {
  return addCredentialOptions(
    addWebhookSecretOption(
      new Command("replay")
        .description("Check a captured callback, sign it again as Sinch would now, and send it to a URL.")
        .argument("<file|->", "the captured callback: raw HTTP or a curl command (- for standard input)")
        .option("--url <url>", "where to send it: scheme, host and port (the captured path is kept)")
        .option(
          "--print",
          "print the request signed again as raw HTTP instead of sending it (Host: --url's, else localhost)",
        )
        .option("--json", "print one JSON object with the verdict on the capture and the receiver's answer"),
    ),
  );
}

/** The options of `callback replay`, as commander parsed and checked them. */
export type CallbackReplayFlags = ReturnType<ReturnType<typeof replayCommand>["opts"]>;
