import { type CommandDefinition, examples, exitCodesHelp } from "../options.js";
import { listenCommand, sendCommand } from "./options.js";
import { replayCommand } from "./replay-options.js";

type Run = typeof import("./run.js");

const SEND_HELP = `
Events: ice, ace, dice, pie (Voice), verification-request, verification-result
(Verification): signed with the application key and secret, as Sinch signs callbacks;
conversation-message, sms-delivery-report: signed with the webhook secret
(x-sinch-webhook-signature); numbers-event: signed with the webhook secret (X-Sinch-Signature).
Prints the receiver's status line and body.`;

/** `sinch-ticket callback send|listen`: test callbacks, signed as Sinch signs them, and a receiver for them. */
export const callback: CommandDefinition = {
  name: "callback",
  summary: "Send a signed test callback (Voice, Verification, Conversation, SMS, Numbers) or receive and check them.",
  define(command, ctx) {
    const run = async (work: (run: Run) => Promise<number>) => {
      ctx.exitCode = await work(await import("./run.js"));
    };
    const send = sendCommand();
    send.addHelpText("after", SEND_HELP);
    examples(send, [
      "callback send ace --url http://localhost:3000/sinch/callback",
      "callback send conversation-message --url https://example.ngrok.app/webhook --webhook-secret-file secret.txt",
      "callback send verification-result --url http://localhost:3000/verification --print",
    ]);
    exitCodesHelp(send, {
      ok: "the receiver answered 2xx",
      usage: "usage or configuration error (a missing secret, an unreadable --body-file)",
      callbackFailed: "the receiver answered with another status, or could not be reached",
    });
    send.action((event, flags) => run((r) => r.callbackSend(event, flags, ctx)));

    const listen = listenCommand();
    listen.addHelpText(
      "after",
      `
Prints its URL as the first line on standard output when ready, then one line per request
on standard error (time, event, scheme, verdict, the mistake ids of a bad signature, and
the status the caller got), refused requests included (400, 405, 408, 413, 431, 503:
code "refused"); a check that fails is that request's line (code "error"). An exact
replay within 15 minutes is marked "seen before". Without --forward-to every request is
answered 200 {}; with it, the backend's answer is streamed back, 504 when it sends
nothing within --backend-timeout, reset when it has not finished by then. Checks as
'request verify' (15 minutes of --max-skew). SIGINT or SIGTERM: finishes requests in
flight (a few seconds at most, then 503), then exits 0.
`,
    );
    examples(listen, [
      "callback listen --port 8787 --forward-to http://localhost:3000",
      "callback listen --json > callbacks.ndjson",
    ]);
    listen.action((flags) => run((r) => r.callbackListen(flags, ctx)));

    const replay = replayCommand();
    replay.addHelpText(
      "after",
      `
Reads a captured callback (raw HTTP or a curl command, as 'request verify' reads it), says
whether it was valid, then signs it again as Sinch would now (a fresh x-timestamp, or a
fresh webhook nonce and timestamp; method, path, query and body unchanged) and sends it
to --url, or prints it with --print. It is never sent to the captured Host.`,
    );
    examples(replay, [
      "callback replay failed.http --url http://localhost:3000",
      "callback replay - --print < capture.txt",
    ]);
    exitCodesHelp(replay, {
      ok: "the receiver answered 2xx (or --print)",
      usage: "usage or configuration error (no --url or --print, an unreadable capture, a missing secret)",
      callbackFailed: "the receiver answered with another status, or could not be reached",
    });
    replay.action(async (source, flags) => {
      ctx.exitCode = await (await import("./replay.js")).callbackReplay(source, flags, ctx);
    });
    command.addCommand(send).addCommand(listen).addCommand(replay);
  },
};
