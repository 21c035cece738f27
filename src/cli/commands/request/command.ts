import { verdictExitCodes } from "../../terminal/exit.js";
import { type CommandDefinition, examples, exitCodesHelp } from "../options.js";
import { signCommand, verifyCommand } from "./options.js";

type Run = typeof import("./run.js");

const VERIFY_HELP = `
Paste the request as it was sent or received: a raw HTTP request (request line, headers,
blank line, body: from a server log, nc -l, a proxy, a browser's "copy as raw"; a chunked
body is de-chunked), or a curl command (-X, -H, -d/--data/--data-raw/--data-binary,
--data-urlencode, --json, -G, URL; a @file is read from the current directory; -F is
refused: curl picks the multipart boundary when it runs). The scheme comes from
the headers: Authorization: Application <key>:<signature> (application key and secret),
Authorization: User <ticket> (verified as 'verify' does), Authorization: Basic
(base64(key:secret), or the plain key:secret Sinch's Node SDK accepts: compared with the
application key and secret, never shown; Basic sends the secret itself, and a warning
says so), x-sinch-webhook-signature with
its -nonce, -timestamp and -algorithm headers (Conversation, SMS; webhook secret), or
X-Sinch-Signature (Numbers; webhook secret).

The signed time (x-timestamp, or the webhook's timestamp) must be within --max-skew of
now. Sinch documents no tolerance; 15 minutes is this tool's choice. A User ticket's
created and expiry times take the same --max-skew as their clock skew.

On a bad signature the string that should have been signed is shown line by line, with
invisible characters made visible, and the known variants are tried to name what the
signer did differently.`;

const SIGN_HELP = `
The signed resource is the URL's path, without its query unless --with-query. What a URL
must escape (spaces, non-ASCII, quotes such as ’) is escaped as a WHATWG URL escapes it,
and that escaped path, the one sent, is signed, as Sinch's .NET SDK signs PathAndQuery;
--decoded-path signs it with its escapes decoded, as the Java and Node SDKs do. Sinch
does not document which of the two its servers canonicalise. --curl prints a command
that curl runs as printed, sending the path exactly as signed.`;

/** `sinch-ticket request sign|verify`: Sinch's application-signed requests and its webhooks. */
export const request: CommandDefinition = {
  name: "request",
  summary: "Sign a request to Sinch's Voice or Verification API, or verify a signed request or webhook.",
  startup: true,
  define(command, ctx) {
    const run = async (work: (run: Run) => Promise<number>) => {
      ctx.exitCode = await work(await import("./run.js"));
    };
    const sign = signCommand();
    sign.addHelpText("after", SIGN_HELP);
    examples(sign, [
      "request sign POST https://verification.api.sinch.com/verification/v1/verifications --body-file body.json",
      "request sign GET https://calling.api.sinch.com/calling/v1/configuration/numbers --curl",
      "request sign POST /verification/v1/verifications --body-file - --json < body.json",
    ]);
    sign.action((method, target, flags) => run((r) => r.requestSign(method, target, flags, ctx)));

    const verify = verifyCommand();
    verify.addHelpText("after", VERIFY_HELP);
    examples(verify, [
      "request verify < request.txt",
      'request verify --json "$(pbpaste)"',
      "request verify --ignore-time - < ace.http",
    ]);
    exitCodesHelp(verify, {
      ...verdictExitCodes({
        valid: "valid",
        bad_signature: "bad signature",
        expired: "signed too long ago (beyond --max-skew)",
        not_yet_valid: "signed in the future (beyond --max-skew)",
        malformed: "malformed: no signature header, or one that cannot be read",
        key_mismatch: "application key mismatch",
      }),
      usage: "usage or configuration error (no secret for the scheme, a request larger than 1 MB)",
    });
    verify.action((text, flags) => run((r) => r.requestVerify(text, flags, ctx)));

    command.addCommand(sign).addCommand(verify);
  },
};
