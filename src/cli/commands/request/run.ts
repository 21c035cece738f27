import { resolve } from "node:path";
import { InvalidInputError, TicketError } from "../../../core/errors.js";
import { signApplicationRequest } from "../../../core/request/application.js";
import { checkRequest, type RequestCredentials, requestApplicationKey } from "../../../core/request/check.js";
import { decodedPath, escapePath, escapeQuery } from "../../../core/request/escape.js";
import { MAX_REQUEST_BYTES, type ParsedRequest, parseRequest } from "../../../core/request/parse.js";
import { malformedRequest, type RequestVerifyResult, requestScheme, secretFor } from "../../../core/request/verify.js";
import { parseIsoParts, parseTime, toMillis } from "../../../core/time.js";
import { missingSecret, missingWebhookSecret, type Resolved } from "../../credentials/resolver.js";
import { readAtMost, readBodyFile, readStreamBytes } from "../../terminal/bytes.js";
import { type CommandContext, printJson } from "../../terminal/context.js";
import { ExitCode, usageError, VERIFY_EXIT } from "../../terminal/exit.js";
import { authorizationSignature, githubOutputFor, Masker } from "../../terminal/github.js";
import { printRequestVerdict, requestJson } from "../../views/request-verdict.js";
import { checkingKeyring, requiredWebhookSecret, signingPair } from "../shared.js";
import type { RequestSignFlags, RequestVerifyFlags } from "./options.js";

/**
 * The URL's or path's parts, escaped as a WHATWG URL escapes them (spaces, non-ASCII, `"`,
 * `<`, `>`...; what is already escaped, dot segments and case stay as written): what is
 * sent and, unless `--decoded-path`, what is signed. `url` is where a curl command sends it.
 */
function target(text: string): { url: string | null; path: string; query: string | null } {
  let rest = text;
  let origin: string | null = null;
  const found = /^https?:\/\/[^/?#]*/i.exec(text);
  if (found) {
    try {
      new URL(text);
    } catch {
      throw usageError(`'${text}' is not a URL`);
    }
    origin = found[0];
    rest = text.slice(found[0].length) || "/";
  } else if (!text.startsWith("/")) {
    throw usageError(`'${text}' is neither a URL (https://...) nor a path (/...)`);
  }
  rest = rest.split("#")[0] as string;
  if (!rest.startsWith("/")) rest = `/${rest}`;
  const at = rest.indexOf("?");
  const path = escapePath(at === -1 ? rest : rest.slice(0, at));
  const query = at === -1 ? null : escapeQuery(rest.slice(at + 1));
  const url = origin === null ? null : `${origin}${path}${query === null ? "" : `?${query}`}`;
  return { url, path, query };
}

/** What is signed: the path as sent, or decoded (`--decoded-path`), with `?query` under `--with-query`. */
function resourceOf(where: { path: string; query: string | null }, flags: RequestSignFlags): string {
  const path = flags.decodedPath ? (decodedPath(where.path) ?? where.path) : where.path;
  return flags.withQuery && where.query !== null ? `${path}?${where.query}` : path;
}

/** `--timestamp`: an absolute time exactly as written; a relative one (or none) as `toISOString()`. */
function timestampOf(flag: string | undefined, now: Date): string {
  if (flag === undefined) return now.toISOString();
  try {
    const time = parseTime(flag, now);
    return parseIsoParts(flag.trim()) ? flag.trim() : new Date(toMillis(time)).toISOString();
  } catch (error) {
    if (error instanceof TicketError) throw usageError(`--timestamp: ${error.message}`);
    throw error;
  }
}

/** A word for a POSIX shell: single-quoted unless plainly safe. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

function lenientWarning(ctx: CommandContext, secret: Resolved): void {
  ctx.ui.warn(
    `lenient-secret: the application secret from ${secret.origin} is not strict base64; it is decoded leniently as Node and Java do, but Python's b64decode refuses it`,
  );
}

function isText(bytes: Buffer): boolean {
  return !bytes.includes(0) && Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes);
}

/** `request sign <method> <url-or-path>`. */
export async function requestSign(
  method: string,
  urlOrPath: string,
  flags: RequestSignFlags,
  ctx: CommandContext,
): Promise<number> {
  const { io } = ctx;
  if (!/^[A-Za-z]+$/.test(method))
    throw usageError(`'${method}' is not an HTTP method (GET, POST, PUT, PATCH, DELETE...)`);
  const where = target(urlOrPath);
  if (flags.curl && where.url === null) throw usageError("--curl needs the full URL (https://...), not only a path");
  if (flags.bodyFile === "-" && flags.secretStdin)
    throw usageError("--body-file - and --secret-stdin both want standard input");
  const output = githubOutputFor(flags.githubOutput, io);
  const { key, secret, demoNotice } = await signingPair(ctx, flags, { lenient: true });
  const body = flags.bodyFile === undefined ? null : await readBodyFile(flags.bodyFile, io);
  let signed: ReturnType<typeof signApplicationRequest>;
  try {
    signed = signApplicationRequest({
      applicationKey: key.value,
      applicationSecret: secret.value,
      method,
      resource: resourceOf(where, flags),
      body,
      contentType: flags.contentType ?? null,
      timestamp: timestampOf(flags.timestamp, io.now()),
    });
  } catch (error) {
    if (error instanceof InvalidInputError) throw usageError(error.message);
    throw error;
  }
  if (signed.lenientSecret) lenientWarning(ctx, secret);
  demoNotice("signed");
  await new Masker(io, { output: output !== null }).mask([authorizationSignature(signed.authorization)]);
  let text: string;
  if (flags.json) {
    const { lenientSecret: _, ...shown } = signed;
    text = `${JSON.stringify(shown, null, 2)}\n`;
  } else if (flags.curl) {
    // --path-as-is: curl sends the path exactly as signed (no dot segments removed).
    const words = ["curl", "-X", signed.method, "--path-as-is", shellQuote(where.url as string)];
    const hasBody = body !== null && body.length > 0;
    if (signed.contentType !== "" || hasBody) words.push("-H", shellQuote(`Content-Type: ${signed.contentType}`));
    words.push(
      "-H",
      shellQuote(`x-timestamp: ${signed.timestamp}`),
      "-H",
      shellQuote(`Authorization: ${signed.authorization}`),
    );
    if (hasBody) {
      if (flags.bodyFile !== "-") words.push("--data-binary", shellQuote(`@${flags.bodyFile}`));
      else if (isText(body))
        words.push(
          "--data-binary",
          shellQuote(body.toString("utf8").startsWith("@") ? ` ${body}` : body.toString("utf8")),
        );
      else
        throw usageError("a binary body on standard input cannot go in a curl command: give it as --body-file <file>");
    }
    text = `${words.join(" ")}\n`;
  } else {
    text = `x-timestamp: ${signed.timestamp}\nAuthorization: ${signed.authorization}\n`;
  }
  io.stdout.write(text);
  output?.writeValue(text);
  return ExitCode.ok;
}

/** The request to verify: the argument, or standard input's bytes. */
async function readRequest(
  text: string | undefined,
  ctx: CommandContext,
  stdinTaken: boolean,
): Promise<{ bytes: Buffer; piped: boolean }> {
  const { io } = ctx;
  if (text !== undefined && text !== "-") {
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length > MAX_REQUEST_BYTES)
      throw usageError("the request is larger than 1 MB: at most 1048576 bytes are read");
    return { bytes, piped: false };
  }
  if (stdinTaken)
    throw usageError("standard input is already used for the secret (--secret-stdin): pass the request as an argument");
  if (text === undefined && io.stdin.isTTY) {
    throw usageError(
      "missing request: pass it as an argument, or pipe it to standard input (raw HTTP or a curl command)",
    );
  }
  const bytes = await readStreamBytes(io.stdin, "the request on standard input");
  if (bytes.toString("latin1").trim() === "") throw usageError("no request on standard input");
  return { bytes, piped: true };
}

/**
 * The request checked with the credentials its scheme needs: the webhook secret, or the
 * application's, the profile chosen by the key the request names.
 */
async function checked(
  request: ParsedRequest,
  flags: RequestVerifyFlags,
  ctx: CommandContext,
): Promise<{ result: RequestVerifyResult; notes: string[]; demo: boolean }> {
  const scheme = requestScheme(request);
  const needs = scheme === null ? null : secretFor(scheme);
  let credentials: RequestCredentials = { keyring: null, webhookSecret: null };
  let demo = false;
  if (needs === "webhook") {
    credentials = { keyring: null, webhookSecret: (await requiredWebhookSecret(ctx, flags)).value };
  } else if (needs === "application") {
    const { keyring } = await checkingKeyring(ctx, flags, {
      lenient: scheme !== "user",
      forKey: requestApplicationKey(request),
    });
    credentials = { keyring, webhookSecret: null };
    demo = flags.demo === true;
  }
  const outcome = checkRequest(request, credentials, {
    now: ctx.io.now(),
    maxSkew: flags.maxSkew,
    ignoreTime: flags.ignoreTime === true,
    withQuery: flags.withQuery === true,
  });
  if ("missing" in outcome) throw outcome.missing === "webhook" ? missingWebhookSecret() : missingSecret();
  if ("problem" in outcome) throw usageError(outcome.problem);
  return { result: outcome.result, notes: outcome.notes, demo };
}

/** The request read from the text, or the malformed verdict saying why it could not be. */
function readParsed(
  bytes: Buffer,
  piped: boolean,
  cwd: string,
): { request: ParsedRequest } | { malformed: RequestVerifyResult } {
  // A file a curl command names is read from where curl would read it: the current directory.
  // Its bytes count towards the request's 1 MB, with those of the files named before it.
  let used = 0;
  const readFile = (path: string): Buffer => {
    let read: { bytes: Buffer; over: boolean };
    try {
      read = readAtMost(resolve(cwd, path), MAX_REQUEST_BYTES - used);
    } catch (error) {
      throw usageError(
        `cannot read ${path}, the file the curl command sends (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    if (read.over) {
      throw usageError(
        `${path}, the file the curl command sends, is larger than 1 MB${used > 0 ? " with the files before it" : ""}: at most ${MAX_REQUEST_BYTES} bytes are read`,
      );
    }
    used += read.bytes.length;
    return read.bytes;
  };
  try {
    return { request: parseRequest(bytes, { trailingNewlineAdded: piped, readFile }) };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { malformed: malformedRequest(error.message) };
  }
}

/** `request verify [text|-]`. */
export async function requestVerify(
  text: string | undefined,
  flags: RequestVerifyFlags,
  ctx: CommandContext,
): Promise<number> {
  const { io, ui } = ctx;
  ui.quiet = flags.quiet === true;
  const input = await readRequest(text, ctx, flags.secretStdin === true);
  let verdict: RequestVerifyResult;
  let notes: string[] = [];
  let demo = false;
  const parsed = readParsed(input.bytes, input.piped, io.cwd);
  if ("malformed" in parsed) verdict = parsed.malformed;
  else ({ result: verdict, notes, demo } = await checked(parsed.request, flags, ctx));
  if (!flags.quiet) {
    for (const note of [...notes, ...verdict.notes]) ui.note(note);
    if (demo) ui.warn("verified with the built-in demo credentials (--demo): Sinch accepts nothing made with them");
    if (flags.json) printJson(ctx, { ...requestJson(verdict), notes: [...notes, ...verdict.notes] });
    else printRequestVerdict(ctx, verdict);
    for (const warning of verdict.warnings) ui.warn(warning);
  }
  return VERIFY_EXIT[verdict.code] ?? ExitCode.internal;
}
