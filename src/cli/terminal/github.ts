import { randomUUID } from "node:crypto";
import { closeSync, fstatSync, openSync, statSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { ExitCode, ExitError, usageError } from "./exit.js";
import type { Io, OutStream } from "./io.js";

/**
 * GitHub Actions: masking secret values in the job log, and step outputs. See docs/ci.md
 * for how the runner reads a step's output and what ordering risk is left.
 */

/** How long a mask written to stderr gets before the value goes to stdout (see docs/ci.md). */
export const MASK_SETTLE_MS = 100;

/** True when running as a step of a GitHub Actions job. */
export function inGithubActions(io: Pick<Io, "env">): boolean {
  return io.env.GITHUB_ACTIONS === "true";
}

/** A workflow command's data, escaped as the runner unescapes it. */
function escapeData(value: string): string {
  return value.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

let devNull: number | null | undefined;
function devNullDevice(): number | null {
  if (devNull === undefined) {
    try {
      devNull = statSync("/dev/null").rdev;
    } catch {
      devNull = null;
    }
  }
  return devNull;
}

/**
 * Whether what is written to this stream can reach the job log: not when it is a regular
 * file or /dev/null. A stream without a descriptor (a test's) is taken to reach it.
 */
export function reachesLog(stream: OutStream): boolean {
  if (stream.fd === undefined) return true;
  try {
    const stat = fstatSync(stream.fd);
    if (stat.isFile()) return false;
    if (stat.isCharacterDevice() && stat.rdev === devNullDevice()) return false;
  } catch {
    return true;
  }
  return true;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Registers secret values with the runner before they are printed: one `::add-mask::`
 * line each on stderr (never stdout, which stays the result), written synchronously, then
 * a short wait so the runner's stderr reader has queued them before the value arrives on
 * stdout. When stdout is a regular file or /dev/null nothing printed reaches the log: no
 * mask and no wait, unless the values also go to $GITHUB_OUTPUT, where later steps may
 * print them (then masks, with no wait: the step ends before any later step starts).
 * Nothing at all outside GitHub Actions.
 */
export class Masker {
  /** Whether mask lines are written. */
  readonly active: boolean;
  private readonly settleMs: number;

  constructor(
    private readonly io: Io,
    options: { output?: boolean } = {},
  ) {
    const actions = inGithubActions(io);
    const printed = actions && reachesLog(io.stdout);
    this.active = printed || (actions && options.output === true);
    this.settleMs = printed ? (io.maskSettleMs ?? MASK_SETTLE_MS) : 0;
  }

  /** Masks the values, then waits for the runner to have read them; nothing when inactive. */
  async mask(values: Iterable<string>): Promise<void> {
    if (!this.active) return;
    let text = "";
    for (const value of values) if (value !== "") text += `::add-mask::${escapeData(value)}\n`;
    if (text === "") return;
    const { stderr } = this.io;
    // Written at once to the descriptor; when the pipe was full and Node's stream took the
    // rest, its 'drain' says it has gone out.
    if (stderr.write(text) === false && stderr.once) await new Promise((done) => stderr.once?.("drain", done));
    if (this.settleMs > 0) await sleep(this.settleMs);
  }
}

/** A step output's name as the runner accepts it. */
const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * `--github-output <name>`: appends `<name><<<delimiter>`, the value's lines and the
 * delimiter to the file $GITHUB_OUTPUT names. The delimiter is random and checked
 * against every line written, so no value line can end the block early.
 */
export class GithubOutput {
  private fd: number | null = null;
  private readonly delimiter = `ghadelimiter_${randomUUID()}`;
  private readonly file: string;

  /** Checks the name and that $GITHUB_OUTPUT is set; throws a usage error (exit 2) otherwise. */
  constructor(
    private readonly name: string,
    io: Pick<Io, "env" | "cwd">,
  ) {
    if (!OUTPUT_NAME.test(name)) {
      throw usageError(
        `--github-output '${name}' is not an output name: use letters, digits, '_' and '-', not starting with a digit`,
      );
    }
    const file = io.env.GITHUB_OUTPUT;
    if (file === undefined || file === "") {
      throw usageError("--github-output needs $GITHUB_OUTPUT, which GitHub Actions sets for each step: it is not set");
    }
    this.file = resolve(io.cwd, file);
  }

  private append(text: string): void {
    if (this.fd === null) {
      try {
        this.fd = openSync(this.file, "a");
      } catch (error) {
        throw usageError(
          `cannot write $GITHUB_OUTPUT (${(error as NodeJS.ErrnoException).code ?? "error"}): ${this.file}`,
        );
      }
      writeSync(this.fd, `${this.name}<<${this.delimiter}\n`);
    }
    writeSync(this.fd, text);
  }

  /** Adds text (whole lines, each ending in "\n") to the value. */
  write(text: string): void {
    if (text.includes(this.delimiter)) {
      throw new ExitError(
        ExitCode.internal,
        "a value line holds the $GITHUB_OUTPUT delimiter; nothing more is written",
      );
    }
    this.append(text);
  }

  /** Ends the block; an output with no lines is the empty string. */
  close(): void {
    this.append("");
    writeSync(this.fd as number, `${this.delimiter}\n`);
    closeSync(this.fd as number);
    this.fd = null;
  }

  /** Writes a whole value (a line ending is added when missing) and ends the block. */
  writeValue(value: string): void {
    this.write(value.endsWith("\n") || value === "" ? value : `${value}\n`);
    this.close();
  }
}

/** The `--github-output` writer for a flag, or null when the flag was not given. */
export function githubOutputFor(name: string | undefined, io: Pick<Io, "env" | "cwd">): GithubOutput | null {
  return name === undefined ? null : new GithubOutput(name, io);
}

/** The signature of an `Authorization: Application <key>:<signature>` value. */
export function authorizationSignature(authorization: string): string {
  const colon = authorization.lastIndexOf(":");
  return colon === -1 ? authorization : authorization.slice(colon + 1);
}
