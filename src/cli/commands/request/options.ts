import { Command, Option } from "../../terminal/commander.js";
import { durationArg } from "../../terminal/options.js";
import { addCredentialOptions, addWebhookSecretOption } from "../options.js";

/** `request sign`'s arguments and options. */
export function signCommand() {
  return addCredentialOptions(
    new Command("sign")
      .description("Sign a request with the application key and secret: the x-timestamp and Authorization headers.")
      .argument("<method>", "HTTP method, e.g. POST")
      .argument("<url-or-path>", "the URL, or the path, the request goes to")
      .option("--body-file <file|->", "the request body (bytes, as sent), or - for standard input")
      .option("--content-type <type>", "the Content-Type sent (default application/json with a body)")
      .option(
        "--timestamp <time>",
        "x-timestamp: ISO 8601 with a zone, signed exactly as written, or -2m (default now)",
      )
      .option("--with-query", "sign the path with its ?query, as Sinch's .NET SDK does")
      .option(
        "--decoded-path",
        "sign the path with its percent-escapes decoded, as Sinch's Java and Node SDKs do (default: as sent, escaped, as the .NET SDK does)",
      )
      .addOption(new Option("--curl", "print a complete curl command instead").conflicts("json"))
      .option("--json", "print one JSON object with the string to sign")
      .option("--github-output <name>", "also write the result to $GITHUB_OUTPUT as this step output (GitHub Actions)"),
  );
}

/** `request verify`'s arguments and options. */
export function verifyCommand() {
  return addCredentialOptions(
    addWebhookSecretOption(
      new Command("verify")
        .description("Verify a pasted request, callback or webhook (raw HTTP or curl); explain a bad signature.")
        .argument("[text]", "the request, or - to read standard input")
        .addOption(
          new Option("--max-skew <duration>", "how far the signed time may be from now")
            .argParser(durationArg)
            .default(900, "15m"),
        )
        .option("--ignore-time", "skip the timestamp check")
        .option("--with-query", "the signed path includes its ?query (Sinch's .NET SDK)")
        .option("-q, --quiet", "print nothing; the exit code tells")
        .option("--json", "print one JSON object"),
    ),
  );
}

/** The options of `request sign`, as commander parsed and checked them. */
export type RequestSignFlags = ReturnType<ReturnType<typeof signCommand>["opts"]>;
/** The options of `request verify`, as commander parsed and checked them. */
export type RequestVerifyFlags = ReturnType<ReturnType<typeof verifyCommand>["opts"]>;
