import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkEndpoint, checkIdentityType, endpointWarnings, type IdentityType } from "../../../core/endpoint.js";
import { TicketError } from "../../../core/errors.js";
import { createTicket } from "../../../core/ticket/sign.js";
import { INSTANCE_MIN_LIFETIME, JWT_DEFAULT_TTL, JWT_MIN_TTL } from "../../../core/token/format.js";
import { createRegistrationToken } from "../../../core/token/sign.js";
import type { CommandContext } from "../../terminal/context.js";
import { usageError } from "../../terminal/exit.js";
import { type GithubOutput, githubOutputFor, Masker } from "../../terminal/github.js";
import { readAllBytes, stripOneNewline } from "../../terminal/io.js";
import { canPrompt, prompterFor } from "../../terminal/prompt.js";
import { firstInvalidUtf8, replacementOffset } from "../../terminal/utf8.js";
import { signingPair } from "../shared.js";
import type { SignFlags } from "./options.js";

const TYPE_CHOICES = [
  { name: "username", value: "username" as const, description: "an application user name (most common)" },
  { name: "email", value: "email" as const, description: "an e-mail address" },
  { name: "number", value: "number" as const, description: "a phone number in E.164 (+46700000000)" },
];

function validator(type: IdentityType): (value: string) => string | true {
  return (value) => {
    try {
      checkEndpoint(type, value);
      return true;
    } catch (error) {
      return error instanceof TicketError ? error.message : String(error);
    }
  };
}

async function readPayload(source: string, ctx: CommandContext): Promise<string> {
  if (source === "-") return payloadText(await readAllBytes(ctx.io.stdin), "the payload on standard input");
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(ctx.io.cwd, source));
  } catch (error) {
    throw usageError(`cannot read payload file ${source} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return payloadText(bytes, `payload file ${source}`);
}

/** The payload's text; bytes that are not UTF-8 are refused, never replaced. */
function payloadText(bytes: Buffer, what: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    const byte = (bytes[bad] as number).toString(16).toUpperCase().padStart(2, "0");
    throw usageError(`${what} is not UTF-8: byte 0x${byte} at offset ${bad}; save it as UTF-8`);
  }
  return stripOneNewline(bytes.toString("utf8"));
}

/** `sign --format jwt <userId>`: a registration token for the newer Sinch SDKs. */
async function signToken(
  userArg: string | undefined,
  flags: SignFlags,
  ctx: CommandContext,
  output: GithubOutput | null,
): Promise<number> {
  const { io } = ctx;
  const { ttl, instanceExpiresIn } = tokenLimits(flags);
  const now = flags.now ?? io.now();
  if (flags.nonce === "") throw usageError("--nonce is empty");

  const { key, secret, demoNotice } = await signingPair(ctx, flags);

  let userId = userArg;
  if (userId === undefined) {
    if (!canPrompt(io, flags.input !== false)) {
      throw usageError("missing user id: sinch-ticket sign --format jwt <userId>");
    }
    userId = await prompterFor(io).input("User id", (v) => (v.trim() === "" ? "the user id is empty" : true));
  }
  const made = createRegistrationToken({
    applicationKey: key.value,
    applicationSecret: secret.value,
    userId,
    now,
    ttl,
    ...(flags.nonce !== undefined ? { nonce: flags.nonce } : {}),
    ...(instanceExpiresIn !== undefined ? { instanceExpiresIn } : {}),
  });
  demoNotice("signed");
  const { token, format, header, claims, expiresAt } = made;
  return printSigned(ctx, flags, output, token, { token, format, header, claims, expiresAt });
}

/** The token options, checked: the same limits for one token and for a batch. */
function tokenLimits(flags: SignFlags) {
  const ttl = flags.ttl ?? JWT_DEFAULT_TTL;
  if (ttl < JWT_MIN_TTL) throw usageError(`--ttl must be at least ${JWT_MIN_TTL}s (Sinch refuses shorter tokens)`);
  const instanceExpiresIn = flags.instanceExpiresIn;
  if (instanceExpiresIn !== undefined && instanceExpiresIn < INSTANCE_MIN_LIFETIME) {
    throw usageError("--instance-expires-in must be at least 48h (Sinch requires it)");
  }
  return { ttl, instanceExpiresIn };
}

/** `sign --format jwt --batch|--count`: registration tokens in bulk, one line per user id. */
async function signTokenBatch(
  batch: NonNullable<ReturnType<typeof batchFlags>>,
  flags: SignFlags,
  ctx: CommandContext,
  output: GithubOutput | null,
): Promise<number> {
  const { ttl, instanceExpiresIn } = tokenLimits(flags);
  if (flags.nonce !== undefined) throw usageError("--nonce makes one token; a batch gives each token its own");
  const now = flags.now ?? ctx.io.now();
  const { key, secret, demoNotice } = await signingPair(ctx, flags);
  const code = await (await import("../../batch/run.js")).signTokenBatch(
    {
      ...batch,
      now,
      ttl,
      ...(instanceExpiresIn !== undefined ? { instanceExpiresIn } : {}),
      applicationKey: key.value,
      applicationSecret: secret.value,
    },
    ctx,
    output,
  );
  demoNotice("signed");
  return code;
}

/**
 * The bare ticket or token on stdout, or with --json the contract's object; masked first
 * in GitHub Actions, and written to $GITHUB_OUTPUT when asked.
 */
async function printSigned(
  ctx: CommandContext,
  flags: SignFlags,
  output: GithubOutput | null,
  bare: string,
  json: object,
): Promise<number> {
  await new Masker(ctx.io, { output: output !== null }).mask([bare]);
  // The same text for stdout and the step output: --json's document, or the bare value.
  const text = flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${bare}\n`;
  ctx.io.stdout.write(text);
  output?.writeValue(text);
  return 0;
}

/** What --batch, --count and --endpoint-template ask for, checked against each other. */
function batchFlags(endpointArg: string | undefined, flags: SignFlags) {
  const outputFormat = flags.outputFormat ?? "ndjson";
  if (flags.batch === undefined && flags.count === undefined) {
    if (flags.endpointTemplate !== undefined) throw usageError("--endpoint-template goes with --count <n>");
    if (flags.outputFormat !== undefined) throw usageError("--output-format goes with --batch or --count");
    if (flags.inputEncoding !== undefined) throw usageError("--input-encoding goes with --batch");
    return null;
  }
  if (endpointArg !== undefined) throw usageError("give either an endpoint or --batch/--count, not both");
  if (flags.batch !== undefined) {
    if (flags.batch === "-" && flags.secretStdin)
      throw usageError("--batch - and --secret-stdin both want standard input");
    return {
      source: flags.batch,
      outputFormat,
      ...(flags.inputEncoding !== undefined ? { inputEncoding: flags.inputEncoding } : {}),
    };
  }
  if (flags.inputEncoding !== undefined) throw usageError("--input-encoding goes with --batch");
  if (flags.endpointTemplate === undefined)
    throw usageError("--count needs --endpoint-template <text> (with {n} for 1..n)");
  if (!flags.endpointTemplate.includes("{n}")) {
    throw usageError("--endpoint-template needs {n} (replaced by 1..n), or every identity would be the same");
  }
  return { count: flags.count ?? 0, template: flags.endpointTemplate, outputFormat };
}

export async function sign(endpointArg: string | undefined, flags: SignFlags, ctx: CommandContext): Promise<number> {
  const { io, ui } = ctx;
  const now = io.now();
  const output = githubOutputFor(flags.githubOutput, io);
  if (flags.format === "jwt") {
    const tokens = batchFlags(endpointArg, flags);
    return tokens ? signTokenBatch(tokens, flags, ctx, output) : signToken(endpointArg, flags, ctx, output);
  }
  const style = flags.style ?? "dotnet";
  let type = flags.type;
  const { created, expiresIn } = flags;
  if (flags.payload !== undefined) {
    if (endpointArg !== undefined) throw usageError("give either an endpoint or --payload, not both");
    if (flags.payload === "-" && flags.secretStdin)
      throw usageError("--payload - and --secret-stdin both want standard input");
  }

  const batch = batchFlags(endpointArg, flags);

  const { key, secret, demoNotice } = await signingPair(ctx, flags);

  if (batch) {
    const code = await (await import("../../batch/run.js")).signBatch(
      {
        ...batch,
        type: type ?? "username",
        style,
        created,
        expiresIn,
        applicationKey: key.value,
        applicationSecret: secret.value,
      },
      ctx,
      output,
    );
    demoNotice("signed");
    return code;
  }

  let result: ReturnType<typeof createTicket>;
  if (flags.payload !== undefined) {
    const payload = await readPayload(flags.payload, ctx);
    result = createTicket({ applicationKey: key.value, applicationSecret: secret.value, payload });
    const signedKey = (result.payload.applicationKey ?? result.payload.applicationkey) as string | undefined;
    if (signedKey !== undefined && signedKey !== key.value) {
      ui.warn(`the payload names application '${signedKey}', but the resolved key is '${key.value}' (${key.origin})`);
    }
  } else {
    let endpoint = endpointArg;
    const notUtf8 = endpoint === undefined ? -1 : replacementOffset(endpoint);
    if (notUtf8 !== -1) {
      throw usageError(
        `the endpoint argument is not UTF-8: byte offset ${notUtf8} could not be read (or is U+FFFD): pass the endpoint in UTF-8`,
      );
    }
    if (endpoint === undefined) {
      if (!canPrompt(io, flags.input !== false)) {
        throw usageError("missing endpoint: sinch-ticket sign <endpoint> (the user the ticket is for)");
      }
      const prompter = prompterFor(io);
      type ??= await prompter.select("Identity type", TYPE_CHOICES);
      endpoint = await prompter.input(`Endpoint (${type})`, validator(type));
    }
    result = createTicket({
      applicationKey: key.value,
      applicationSecret: secret.value,
      identity: { type: checkIdentityType(type ?? "username"), endpoint },
      style,
      now,
      ...(created !== undefined ? { created } : {}),
      ...(expiresIn !== undefined ? { expiresIn } : {}),
    });
    // Signed as given, but said: decode of this ticket will say the same.
    for (const warning of endpointWarnings(endpoint)) ui.warn(warning);
  }

  for (const note of result.notes) ui.note(note);
  demoNotice("signed");
  return printSigned(ctx, flags, output, result.userTicket, {
    userTicket: result.userTicket,
    format: result.format,
    style: result.style,
    payload: result.payload,
    created: result.created,
    expiresAt: result.expiresAt,
  });
}
