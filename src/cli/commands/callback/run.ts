import { randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { InvalidInputError } from "../../../core/errors.js";
import { escapeForTerminal } from "../../../core/escape.js";
import {
  CALLBACK_EVENTS,
  type CallbackEvent,
  isCallbackEvent,
  type SignedCallback,
  sampleBody,
  signCallback,
} from "../../../core/request/callbacks.js";
import { applyFieldSets, parseFieldSet } from "../../../core/request/set-field.js";
import { DEFAULT_MAX_SKEW } from "../../../core/request/verify.js";
import type { Received } from "../../../server/callback.js";
import type { Resolved } from "../../credentials/resolver.js";
import { readBodyFile } from "../../terminal/bytes.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { ExitCode, ExitError, usageError } from "../../terminal/exit.js";
import { authorizationSignature, Masker } from "../../terminal/github.js";
import { listenOrExplain, runUntilStopped } from "../server-run.js";
import { demoNotice, optionalKeyring, requiredWebhookSecret, signingPair } from "../shared.js";
import type { Answered, CheckSetup } from "./check.js";
import type { CallbackListenFlags, CallbackSendFlags } from "./options.js";
import { CheckQueue } from "./queue.js";

declare const __CALLBACK_WORKER__: string | undefined;
declare const __dirname: string;

/** The checking thread's script beside the CLI bundle; none when running from source (tests). */
function workerPath(ctx: CommandContext): string | null {
  if (ctx.io.env.SINCH_TICKET_WORKERS === "0") return null;
  return typeof __CALLBACK_WORKER__ === "string" ? join(__dirname, __CALLBACK_WORKER__) : null;
}

export function httpUrl(text: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw usageError(`${option} '${text}' is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`${option} must be an http:// or https:// URL`);
  return url;
}

/** A nonce in the shape Sinch's webhooks carry (26 characters of Crockford base32, as a ULID). */
export function nonce(): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  return [...randomBytes(26)].map((b) => alphabet[b % 32]).join("");
}

/** The request as raw HTTP/1.1 bytes. */
export function rawHttp(url: URL, signed: OutgoingCallback): Buffer {
  const head = [
    `${signed.method} ${signed.target} HTTP/1.1`,
    `host: ${url.host}`,
    ...signed.headers.map(([n, v]) => `${n}: ${v}`),
    `content-length: ${signed.body.length}`,
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head, "utf8"), signed.body]);
}

/** What goes out: a signed callback, or a captured one signed again. */
export type OutgoingCallback = Pick<SignedCallback, "target" | "headers" | "body"> & { method: string };

/** The `--set` arguments, read; a bad one is a usage error. */
function fieldSets(texts: string[]) {
  try {
    return texts.map(parseFieldSet);
  } catch (error) {
    if (error instanceof InvalidInputError) throw usageError(`--set: ${error.message}`);
    throw error;
  }
}

function withFields(body: string, sets: ReturnType<typeof fieldSets>): string {
  if (sets.length === 0) return body;
  try {
    return applyFieldSets(body, sets);
  } catch (error) {
    if (error instanceof InvalidInputError) throw usageError(`--set: ${error.message}`);
    throw error;
  }
}

/** The signature values among a callback's headers (for masking where they are printed). */
export function signatureValues(headers: [string, string][]): string[] {
  return headers.flatMap(([name, value]) => {
    const lower = name.toLowerCase();
    if (lower === "authorization") return [authorizationSignature(value)];
    return lower === "x-sinch-webhook-signature" || lower === "x-sinch-signature" ? [value] : [];
  });
}

/** `callback send <event> --url <url>`. */
export async function callbackSend(eventName: string, flags: CallbackSendFlags, ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  if (!isCallbackEvent(eventName))
    throw usageError(`unknown event '${eventName}': ${Object.keys(CALLBACK_EVENTS).join(", ")}`);
  const event: CallbackEvent = eventName;
  const url = httpUrl(flags.url, "--url");
  const sets = fieldSets(flags.set ?? []);
  if (sets.length > 0 && flags.bodyFile !== undefined)
    throw usageError("--set changes the sample body; with --body-file, change the file instead");
  if (flags.bodyFile === "-" && flags.secretStdin)
    throw usageError("--body-file - and --secret-stdin both want standard input");
  const scheme = CALLBACK_EVENTS[event];
  let key: Resolved | null = null;
  let secret: Resolved | null = null;
  let webhookSecret: Resolved | null = null;
  if (scheme === "application") ({ key, secret } = await signingPair(ctx, flags, { lenient: true }));
  else webhookSecret = await requiredWebhookSecret(ctx, flags);
  const now = io.now();
  const body =
    flags.bodyFile !== undefined
      ? await readBodyFile(flags.bodyFile, io)
      : withFields(
          sampleBody(event, { applicationKey: key?.value ?? "YOUR_APPLICATION_KEY", now, id: randomUUID() }),
          sets,
        );
  const signed = signCallback({
    event,
    target: `${url.pathname}${url.search}`,
    body,
    credentials: {
      applicationKey: key?.value ?? null,
      applicationSecret: secret?.value ?? null,
      webhookSecret: webhookSecret?.value ?? null,
    },
    now,
    nonce: nonce(),
  });
  demoNotice(ctx, "signed", key, secret);
  if (flags.print) {
    await new Masker(io).mask(signatureValues(signed.headers));
    io.stdout.write(rawHttp(url, signed));
    return ExitCode.ok;
  }
  const answer = await deliver(url, signed);
  return answered(ctx, answer, flags.json === true, { event, scheme, url: url.href }, `the ${event} callback`);
}

/** Sends a signed callback; a receiver that cannot be reached is exit 9, naming it. */
export async function deliver(url: URL, signed: OutgoingCallback): Promise<Answer> {
  try {
    return await post(url, signed);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ExitError(ExitCode.callbackFailed, `could not reach ${url.origin} (${code})`, {
      details: { url: url.href },
    });
  }
}

/**
 * The receiver's answer on stdout (its status line and body, or with --json `fields` and
 * the answer), and the exit code: 0 for a 2xx, else 9 with an error naming `what`.
 */
export function answered(
  ctx: CommandContext,
  answer: Answer,
  json: boolean,
  fields: Record<string, unknown>,
  what: string,
): number {
  const { io, ui } = ctx;
  const ok = answer.status >= 200 && answer.status < 300;
  if (json) {
    printJson(ctx, { ...fields, status: answer.status, ok, body: answer.body.toString("utf8") });
  } else {
    ui.print(`HTTP/1.1 ${answer.status} ${answer.statusText}`.trimEnd());
    if (answer.body.length > 0) {
      io.stdout.write(answer.body);
      if (answer.body[answer.body.length - 1] !== 0x0a) io.stdout.write("\n");
    }
  }
  if (!ok) ui.error(`the receiver answered ${answer.status} to ${what}`);
  return ok ? ExitCode.ok : ExitCode.callbackFailed;
}

/** What a receiver answered. */
export interface Answer {
  status: number;
  statusText: string;
  body: Buffer;
}

export function post(url: URL, signed: OutgoingCallback): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const outgoing = send(
      url,
      {
        method: signed.method,
        // The target as signed, byte for byte (a URL object would normalise a replayed path).
        path: signed.target,
        // Given as a list, headers go out in this order and case; Node then adds no Host.
        headers: ["host", url.host, ...signed.headers.flat(), "content-length", String(signed.body.length)],
        timeout: 30_000,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (c: Buffer) => chunks.push(c));
        incoming.on("end", () =>
          resolve({
            status: incoming.statusCode ?? 0,
            statusText: incoming.statusMessage ?? "",
            body: Buffer.concat(chunks),
          }),
        );
        incoming.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    outgoing.on("error", reject);
    outgoing.end(signed.body);
  });
}

/** `callback listen`: verifies every request, logs it, passes it on when asked. */
export async function callbackListen(flags: CallbackListenFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  const forwardTo = flags.forwardTo === undefined ? null : httpUrl(flags.forwardTo, "--forward-to");
  if (!(flags.backendTimeout > 0)) throw usageError("--backend-timeout must be more than 0 seconds");
  if (flags.backendTimeout > 86_400) throw usageError("--backend-timeout can be at most a day (1d)");
  const pathPrefix = forwardTo ? forwardTo.pathname.replace(/\/$/, "") : "";
  const { keyring, resolver, demoNotice } = await optionalKeyring(ctx, flags, { lenient: true });
  const webhookSecret = await resolver.webhookSecret();
  if (!keyring && !webhookSecret) {
    throw usageError(
      "callback listen needs the application secret (Voice, Verification callbacks) or the webhook secret (Conversation, SMS, Numbers), or both",
    );
  }
  const setup: CheckSetup = {
    credentials: { keyring, webhookSecret: webhookSecret?.value ?? null },
    verify: { maxSkew: DEFAULT_MAX_SKEW },
    json: flags.json === true,
    pathPrefix,
  };
  const queue = new CheckQueue(
    setup,
    workerPath(ctx),
    ({ lines, json }) => {
      if (lines) io.stderr.write(lines);
      if (json) io.stdout.write(json);
    },
    (message) => ui.warn(message),
  );
  // The server's object, its time added (a copy of each would cost the receiver's thread).
  const received = (one: Received) => {
    const answered = one as Answered;
    answered.at = io.now().getTime();
    queue.push(answered);
  };
  const { createCallbackServer } = await import("../../../server/index.js");
  const app = await createCallbackServer({ forwardTo, received, backendTimeoutMs: flags.backendTimeout * 1000 });
  app.addHook("onClose", () => queue.close());
  const port = await listenOrExplain(app, flags.host, flags.port).catch(async (error: unknown) => {
    await queue.close();
    throw error;
  });
  if (keyring?.fixed === null && keyring.profiles.length > 1) {
    ui.note("each request is checked with the profiles holding the application key it names");
  }
  if (!keyring) ui.note("no application secret: Voice and Verification callbacks are not checked");
  if (!webhookSecret) ui.note("no webhook secret: Conversation, SMS and Numbers webhooks are not checked");
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(flags.host)) {
    ui.warn(`listening on ${flags.host}: this is a development receiver`);
  }
  demoNotice("callbacks are checked");
  // SIGINT and SIGTERM are handled before the ready line: a script that stops the receiver
  // as soon as it reads the URL must not meet the default action (death by the signal).
  // What is said at start goes before the ready line: a script reading the URL has it all.
  if (forwardTo) ui.note(`passing every request on to ${forwardTo.origin}${pathPrefix}`);
  if (pathPrefix !== "") {
    ui.warn(
      `the backend sees each path after ${escapeForTerminal(pathPrefix)} (/x arrives as ${escapeForTerminal(pathPrefix)}/x): a backend that checks signatures over its own path will refuse them, since Sinch signed /x`,
    );
  }
  const stopped = runUntilStopped(app, ctx);
  const host = flags.host.includes(":") ? `[${flags.host}]` : flags.host;
  ui.print(`http://${host}:${port}`);
  return stopped;
}
