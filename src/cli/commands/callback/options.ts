import { CALLBACK_EVENTS } from "../../../core/request/callbacks.js";
import { Argument, Command, Option } from "../../terminal/commander.js";
import { durationArg, portArg } from "../../terminal/options.js";
import { addCredentialOptions, addWebhookSecretOption } from "../options.js";

/** `callback send`'s arguments and options. */
export function sendCommand() {
  return addCredentialOptions(
    addWebhookSecretOption(
      new Command("send")
        .description("POST a sample callback, signed as Sinch signs it, to a URL.")
        .addArgument(new Argument("<event>", "the callback to send").choices(Object.keys(CALLBACK_EVENTS)))
        .requiredOption("--url <url>", "the receiver's URL")
        .option("--body-file <file|->", "send this body instead of the sample (bytes, as given)")
        .option(
          "--set <path=value>",
          "change a field of the sample body (a.b for nested; JSON when it parses, else text); repeatable",
          (value: string, previous: string[] = []) => [...previous, value],
        )
        .option("--print", "print the signed request as raw HTTP instead of sending it")
        .option("--json", "print one JSON object with the receiver's answer"),
    ),
  );
}

/** `callback listen`'s options. */
export function listenCommand() {
  return addCredentialOptions(
    addWebhookSecretOption(
      new Command("listen")
        .description("Receive callbacks, check each signature, and pass them on to your backend.")
        .option("--host <host>", "address to listen on", "127.0.0.1")
        .addOption(new Option("--port <port>", "port; 0 picks a free one").argParser(portArg).default(0))
        .option(
          "--forward-to <url>",
          "pass each request on, unchanged, to this backend (its path is put before the request's)",
        )
        .addOption(
          new Option(
            "--backend-timeout <duration>",
            "total time a forwarded request may take, its answer included (then 504, or a reset once bytes went out)",
          )
            .argParser(durationArg)
            .default(30, "30s"),
        )
        .option("--json", "one NDJSON object per request on standard output"),
    ),
  );
}

/** The options of `callback send`, as commander parsed and checked them. */
export type CallbackSendFlags = ReturnType<ReturnType<typeof sendCommand>["opts"]>;
/** The options of `callback listen`, as commander parsed and checked them. */
export type CallbackListenFlags = ReturnType<ReturnType<typeof listenCommand>["opts"]>;
