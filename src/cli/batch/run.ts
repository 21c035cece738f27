import { type FileHandle, open } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Keyring } from "../../core/keyring.js";
import type { TicketStyle } from "../../core/ticket/layout.js";
import { fromMillis, type PreciseTime } from "../../core/time.js";
import type { CommandContext } from "../terminal/context.js";
import { ExitCode, usageError } from "../terminal/exit.js";
import { type GithubOutput, Masker } from "../terminal/github.js";
import type { InStream } from "../terminal/io.js";
import { type ChunkResult, detectKind, detectTicketColumn, detectUserKind, type JobOptions, makeJob } from "./jobs.js";
import { type Chunk, firstLine, readChunks } from "./lines.js";
import { ChunkPipeline } from "./pipeline.js";
import { Progress } from "./progress.js";
import { Sink } from "./sink.js";

declare const __BATCH_WORKER__: string | undefined;
declare const __dirname: string;

/** The worker script beside the CLI bundle; none when running from source (tests). */
function workerPath(ctx: CommandContext): string | null {
  if (ctx.io.env.SINCH_TICKET_WORKERS === "0") return null;
  return typeof __BATCH_WORKER__ === "string" ? join(__dirname, __BATCH_WORKER__) : null;
}

/** Opens a batch input: a file, or standard input for `-`. */
async function openInput(
  source: string,
  ctx: CommandContext,
): Promise<{ stream: InStream; close: () => Promise<void> }> {
  if (source === "-") return { stream: ctx.io.stdin, close: async () => {} };
  let handle: FileHandle;
  try {
    handle = await open(resolve(ctx.io.cwd, source), "r");
  } catch (error) {
    throw usageError(`cannot read batch input ${source} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  // A directory opens for reading; it fails only at the first read, far from here.
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw usageError(`cannot read batch input ${source}: it is a directory`);
  }
  const stream = handle.createReadStream({ highWaterMark: 32 * 1024 });
  return { stream, close: () => handle.close().catch(() => {}) };
}

async function* generated(count: number, template: string): AsyncGenerator<Chunk> {
  const size = 1024;
  for (let first = 1; first <= count; first += size) {
    const lines: string[] = [];
    for (let n = first; n < first + size && n <= count; n++) lines.push(template.replaceAll("{n}", String(n)));
    yield { first, count: lines.length, text: lines.join("\n") };
  }
}

/** Drives chunks through the pipeline and writes results in order; returns summed counts. */
async function runBatch(
  chunks: AsyncIterable<Chunk>,
  options: (first: { number: number; text: string } | null) => JobOptions,
  ctx: CommandContext,
  verb: string,
  header = "",
  quiet = false,
  output: GithubOutput | null = null,
): Promise<{ counts: Record<string, number>; closed: boolean; seconds: number }> {
  const started = Date.now();
  // An NDJSON stream that stops early ends with the error's JSON object as its last line.
  if (header === "") ctx.json = true;
  const sink = new Sink(ctx.io.stdout);
  // In GitHub Actions each secret is masked before the line that holds it is written.
  const masker = new Masker(ctx.io, { output: output !== null });
  const progress = new Progress(ctx.io.stderr, ctx.io.stderr.isTTY === true, verb);
  const counts: Record<string, number> = {};
  let pipeline: ChunkPipeline | null = null;
  const emit = async (results: ChunkResult[]) => {
    if (!quiet) await masker.mask(results.flatMap((r) => r.secrets ?? []));
    for (const r of results) {
      for (const [k, n] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + n;
      if (quiet) continue;
      for (const e of r.errors) ctx.ui.error(e);
      for (const piece of r.out) {
        await sink.write(piece);
        output?.write(piece);
      }
    }
  };
  if (header) {
    await sink.write(header);
    output?.write(header);
  }
  try {
    for await (const chunk of chunks) {
      if (!pipeline) {
        // The first non-empty line decides the input kind; blank lines before it are skipped.
        const first = firstLine(chunk);
        if (!first) continue;
        const o = options(first.tooLong ? null : first);
        pipeline = new ChunkPipeline(makeJob(o), o, workerPath(ctx));
      }
      await emit(pipeline.push(chunk));
      await emit(await pipeline.backlog());
      if (sink.closed) break;
      const done = Object.values(counts).reduce((a, b) => a + b, 0);
      progress.update(done, done - (counts.signed ?? counts.valid ?? 0));
    }
    if (pipeline && !sink.closed) await emit(await pipeline.drain());
  } finally {
    // Lines made before a stop are written, ahead of the error that ends the run.
    await sink.flush();
    progress.finish();
    output?.close();
    await pipeline?.close();
  }
  return { counts, closed: sink.closed, seconds: (Date.now() - started) / 1000 };
}

export interface SignBatchOptions {
  source?: string;
  count?: number;
  template?: string;
  type: string;
  style: TicketStyle;
  created: PreciseTime | undefined;
  expiresIn: number | undefined;
  outputFormat: "ndjson" | "csv";
  applicationKey: string;
  applicationSecret: string;
  /** How the input's bytes are read: UTF-8 (strict) unless said otherwise. */
  inputEncoding?: "latin1" | "cp1252";
}

const ENCODING_NAMES = { latin1: "Latin-1 (ISO-8859-1)", cp1252: "Windows-1252" } as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Where a signing batch's lines come from: a file or standard input, or `--count` lines made from a template. */
interface SigningInput {
  source?: string;
  count?: number;
  template?: string;
  /** How the input's bytes are read: UTF-8 (strict) unless said otherwise. */
  inputEncoding?: "latin1" | "cp1252";
}

/**
 * A signing batch, tickets or tokens: the input opened and read (or lines generated), one
 * job's lines written in order, the summary on stderr. `job` makes the job's options from
 * the first input line (null for generated lines) and whether secrets are to be listed
 * for masking.
 */
async function runSigning(
  options: SigningInput,
  ctx: CommandContext,
  output: GithubOutput | null,
  what: { noun: string; header: string },
  job: (first: { number: number; text: string } | null, listSecrets: boolean) => JobOptions,
): Promise<number> {
  const masker = new Masker(ctx.io, { output: output !== null });
  const input = options.source === undefined ? null : await openInput(options.source, ctx);
  if (input && options.inputEncoding) {
    ctx.ui.note(`read the input as ${ENCODING_NAMES[options.inputEncoding]}, converted to UTF-8`);
  }
  try {
    const { counts, closed, seconds } = await runBatch(
      input
        ? readChunks(input.stream, options.inputEncoding ?? "utf8")
        : generated(options.count ?? 0, options.template ?? ""),
      (first) => job(input ? first : null, masker.active),
      ctx,
      "signed",
      what.header,
      false,
      output,
    );
    if (closed) return ExitCode.ok;
    const signed = counts.signed ?? 0;
    const failed = counts.failed ?? 0;
    ctx.ui.note(
      `signed ${plural(signed, what.noun)} in ${seconds.toFixed(2)}s${failed ? `; ${plural(failed, "line")} failed` : ""}`,
    );
    return failed > 0 ? ExitCode.batchFailures : ExitCode.ok;
  } finally {
    await input?.close();
  }
}

/** `sign --batch` / `sign --count`: one NDJSON (or CSV) line per identity, in input order. */
export function signBatch(
  options: SignBatchOptions,
  ctx: CommandContext,
  output: GithubOutput | null = null,
): Promise<number> {
  const created = options.created ?? fromMillis(ctx.io.now().getTime());
  return runSigning(
    options,
    ctx,
    output,
    { noun: "ticket", header: options.outputFormat === "csv" ? "type,endpoint,userTicket\n" : "" },
    (first, listSecrets) => ({
      job: "sign",
      applicationKey: options.applicationKey,
      applicationSecret: options.applicationSecret,
      style: options.style,
      created,
      ...(options.expiresIn !== undefined ? { expiresIn: options.expiresIn } : {}),
      type: options.type,
      kind: first ? detectKind(first) : { kind: "plain" },
      outputFormat: options.outputFormat,
      listSecrets,
    }),
  );
}

export interface TokenBatchOptions {
  source?: string;
  count?: number;
  template?: string;
  /** The `iat` of every token. */
  now: Date;
  ttl: number;
  instanceExpiresIn?: number;
  outputFormat: "ndjson" | "csv";
  applicationKey: string;
  applicationSecret: string;
  inputEncoding?: "latin1" | "cp1252";
}

/** `sign --format jwt --batch` / `--count`: one registration token per user id, in input order. */
export function signTokenBatch(
  options: TokenBatchOptions,
  ctx: CommandContext,
  output: GithubOutput | null = null,
): Promise<number> {
  return runSigning(
    options,
    ctx,
    output,
    { noun: "token", header: options.outputFormat === "csv" ? "userId,token\n" : "" },
    (first, listSecrets) => ({
      job: "token",
      applicationKey: options.applicationKey,
      applicationSecret: options.applicationSecret,
      now: options.now.getTime(),
      ttl: options.ttl,
      ...(options.instanceExpiresIn !== undefined ? { instanceExpiresIn: options.instanceExpiresIn } : {}),
      kind: first ? detectUserKind(first) : { kind: "plain" },
      outputFormat: options.outputFormat,
      listSecrets,
    }),
  );
}

export interface VerifyBatchOptions {
  source: string;
  /** The credentials each line chooses from (see src/core/keyring.ts). */
  keyring: Keyring;
  now: Date;
  clockSkew?: number;
  maxAge?: number;
  ignoreTime: boolean;
  /** No result lines and no per-line errors: the summary and the exit code only. */
  quiet?: boolean;
}

/** `verify --batch`: one NDJSON result per ticket line, a summary on stderr. */
export async function verifyBatch(options: VerifyBatchOptions, ctx: CommandContext): Promise<number> {
  const input = await openInput(options.source, ctx);
  try {
    const { counts, closed } = await runBatch(
      readChunks(input.stream),
      (first) => ({
        job: "verify",
        csv: first ? detectTicketColumn(first) : null,
        keyring: options.keyring,
        now: options.now.getTime(),
        ...(options.clockSkew !== undefined ? { clockSkew: options.clockSkew } : {}),
        ...(options.maxAge !== undefined ? { maxAge: options.maxAge } : {}),
        ignoreTime: options.ignoreTime,
      }),
      ctx,
      "verified",
      "",
      options.quiet === true,
    );
    if (closed) return ExitCode.ok;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const valid = counts.valid ?? 0;
    const failures = Object.entries(counts)
      .filter(([c]) => c !== "valid")
      .map(([c, n]) => `${c}: ${n}`);
    // The summary is what --quiet keeps.
    ctx.ui.summary(
      `verified ${plural(total, "ticket")}: ${valid} valid, ${total - valid} invalid${failures.length ? ` (${failures.join(", ")})` : ""}`,
    );
    return valid === total ? ExitCode.ok : ExitCode.batchFailures;
  } finally {
    await input.close();
  }
}
