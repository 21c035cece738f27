import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidInputError } from "../../../core/errors.js";
import { checkRequest, type RequestCredentials } from "../../../core/request/check.js";
import { type ParsedRequest, parseRequest } from "../../../core/request/parse.js";
import { BASIC_REFUSED, type ResignedRequest, resignRequest } from "../../../core/request/resign.js";
import { type RequestVerifyResult, requestScheme, secretFor } from "../../../core/request/verify.js";
import { missingSecret, missingWebhookSecret } from "../../credentials/resolver.js";
import { readBodyFile } from "../../terminal/bytes.js";
import type { CommandContext } from "../../terminal/context.js";
import { ExitCode, usageError } from "../../terminal/exit.js";
import { Masker } from "../../terminal/github.js";
import { checkingKeyring, requiredWebhookSecret } from "../shared.js";
import type { CallbackReplayFlags } from "./replay-options.js";
import { answered, deliver, httpUrl, nonce, rawHttp, signatureValues } from "./run.js";

/** The capture, read as `request verify` reads a request; what cannot be read is exit 2. */
function readCapture(bytes: Buffer, source: string, ctx: CommandContext): ParsedRequest {
  try {
    // A capture saved to a file, like one piped in, may have gained a final line ending.
    return parseRequest(bytes, {
      trailingNewlineAdded: true,
      readFile: (path) => readBodyFileSync(path, ctx),
    });
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw usageError(
        `cannot read the captured callback ${source === "-" ? "on standard input" : source}: ${error.message}`,
      );
    }
    throw error;
  }
}

function readBodyFileSync(path: string, ctx: CommandContext): Buffer {
  // curl's `-d @file`: read from where curl would run, the current directory.
  try {
    return readFileSync(resolve(ctx.io.cwd, path));
  } catch (error) {
    throw usageError(
      `cannot read ${path}, the file the curl command sends (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

/** What was said about the capture: valid, valid but out of time, or not valid and why. */
function describeCapture(signature: RequestVerifyResult, timed: RequestVerifyResult): string {
  if (!signature.valid) {
    const ids = signature.diagnosis.map((d) => d.mistake);
    return `the captured callback was not valid: ${signature.code}${ids.length ? ` (${ids.join(", ")})` : ""}`;
  }
  if (!timed.valid)
    return `the captured callback was valid when sent; its timestamp is out of range now (${timed.code})`;
  return "the captured callback is valid";
}

/** `callback replay <file|->`: verify a capture, sign it again as Sinch would now, send or print it. */
export async function callbackReplay(source: string, flags: CallbackReplayFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  if (flags.url === undefined && !flags.print) {
    throw usageError(
      "callback replay needs --url <url> (where to send it) or --print; it never sends to the captured Host",
    );
  }
  const url = httpUrl(flags.url ?? "http://localhost/", "--url");
  if (flags.url !== undefined && (url.pathname !== "/" || url.search !== "")) {
    throw usageError(
      `--url gives where to send the callback (scheme, host and port); the captured path is kept: drop '${url.pathname}${url.search}'`,
    );
  }
  if (source === "-" && flags.secretStdin) throw usageError("replay - and --secret-stdin both want standard input");
  const bytes = await readBodyFile(source, io, "the captured callback");
  if (bytes.toString("latin1").trim() === "") throw usageError("the captured callback is empty");
  const captured = readCapture(bytes, source, ctx);
  const scheme = requestScheme(captured);
  if (scheme === "basic") throw usageError(BASIC_REFUSED);
  if (scheme === null || scheme === "user") {
    throw usageError(
      "the capture carries no callback signature (Authorization: Application, x-sinch-webhook-signature or X-Sinch-Signature)",
    );
  }

  // The profile is chosen by the key the capture names, as request verify chooses it.
  let requestCredentials: RequestCredentials;
  let demo = false;
  if (secretFor(scheme) === "application") {
    const found = await checkingKeyring(ctx, flags, { lenient: true });
    requestCredentials = { keyring: found.keyring, webhookSecret: null };
    demo = flags.demo === true;
  } else {
    requestCredentials = { keyring: null, webhookSecret: (await requiredWebhookSecret(ctx, flags)).value };
  }

  const now = io.now();
  const checked = (ignoreTime: boolean) => {
    const outcome = checkRequest(captured, requestCredentials, { now, ignoreTime });
    if ("missing" in outcome) throw outcome.missing === "webhook" ? missingWebhookSecret() : missingSecret();
    if ("problem" in outcome) throw usageError(outcome.problem);
    return outcome;
  };
  const chosen = checked(true);
  const signature = chosen.result;
  const timed = checked(false).result;
  for (const note of chosen.notes) ui.note(note);
  const verdict = describeCapture(signature, timed);
  if (signature.valid) ui.note(verdict);
  else ui.warn(verdict);
  const key = chosen.candidate?.key ?? null;
  const secret = chosen.candidate?.secret ?? null;
  const webhookSecret = requestCredentials.webhookSecret;

  let resigned: ResignedRequest;
  try {
    resigned = resignRequest(captured, {
      credentials: { applicationKey: key, applicationSecret: secret, webhookSecret },
      now,
      nonce: nonce(),
    });
  } catch (error) {
    if (error instanceof InvalidInputError) throw usageError(error.message);
    throw error;
  }
  if (demo) ui.warn("signed with the built-in demo credentials (--demo): Sinch accepts nothing made with them");
  const original = { valid: signature.valid, code: signature.code, timeValid: timed.valid, scheme };

  if (flags.print) {
    await new Masker(io).mask(signatureValues(resigned.headers));
    io.stdout.write(rawHttp(url, resigned));
    return ExitCode.ok;
  }
  const answer = await deliver(url, resigned);
  const fields = { original, url: new URL(resigned.target, url).href };
  return answered(ctx, answer, flags.json === true, fields, "the replayed callback");
}
