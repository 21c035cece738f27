import { fstatSync, writeSync } from "node:fs";
import { homedir } from "node:os";

/** What a command may touch of the outside world; tests pass their own. */
export interface OutStream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
  /** The file descriptor behind the stream, when there is one (1 or 2). */
  fd?: number;
  /** The underlying Node stream, for code that needs a real one (prompts). */
  stream?(): NodeJS.WritableStream;
  // biome-ignore lint/suspicious/noExplicitAny: Node's own listener type
  on?(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: Node's own listener type
  once?(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: Node's own listener type
  off?(event: string, listener: (...args: any[]) => void): unknown;
}

export interface InStream extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
}

/** chalk's colour levels: none, 16, 256, 16 million. */
export type ColorLevel = 0 | 1 | 2 | 3;

export interface Io {
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  now(): Date;
  /** What a fake terminal supports (tests); the real one is asked by chalk. */
  colorLevels?: { stdout?: ColorLevel; stderr?: ColorLevel };
  /** Overrides the terminal prompts (tests). */
  prompter?: Prompter;
  /** How long a GitHub Actions mask gets before its value is printed (tests shorten it). */
  maskSettleMs?: number;
}

/** The questions commands ask; the terminal implementation is loaded only when asked. */
export interface Prompter {
  select<T extends string>(message: string, choices: { name: string; value: T; description?: string }[]): Promise<T>;
  input(message: string, validate: (value: string) => string | true, defaultValue?: string): Promise<string>;
  password(message: string, validate: (value: string) => string | true): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/**
 * Whether a character device is one of Linux's memory devices (/dev/null, /dev/zero,
 * /dev/full, /dev/urandom: major number 1), which are never terminals. Elsewhere: false.
 */
export function memoryDevice(rdev: number, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== "linux") return false;
  // glibc's dev_t: the major number's low 12 bits at bit 8, the rest from bit 32 up.
  const major = ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
  return major === 1;
}

/**
 * Standard output or error without creating Node's stream up front (that costs a few
 * milliseconds of start-up, a good share of a one-ticket run): writes go straight to the
 * file descriptor until someone needs the stream itself (events, backpressure), or the
 * descriptor would block; then the stream takes over, after everything written so far.
 */
function directOutput(fd: 1 | 2): OutStream {
  let stream: NodeJS.WriteStream | null = null;
  let tty: boolean | undefined;
  let closed = false;
  const real = () => {
    stream ??= fd === 1 ? process.stdout : process.stderr;
    return stream;
  };
  return {
    write(chunk: string | Uint8Array) {
      if (stream) return stream.write(chunk);
      if (closed) return true;
      // A descriptor another process made non-blocking takes part of a write and says how
      // much; the rest is written again, or given to the stream when the pipe is full.
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      let written = 0;
      try {
        while (written < bytes.byteLength) written += writeSync(fd, bytes, written);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") return real().write(bytes.subarray(written));
        if (code === "EPIPE") closed = true;
        else throw error;
      }
      return true;
    },
    get isTTY() {
      if (tty === undefined) {
        // Most outputs are files or pipes; only a character device needs the tty check,
        // and not /dev/null (`verify "$T" > /dev/null && ...`), which is no terminal.
        let mayBeTerminal = false;
        try {
          const stat = fstatSync(fd);
          mayBeTerminal = stat.isCharacterDevice() && !memoryDevice(stat.rdev);
        } catch {
          mayBeTerminal = false;
        }
        tty = mayBeTerminal && real().isTTY === true;
      }
      return tty;
    },
    fd,
    stream: real,
    on: (event, listener) => real().on(event, listener),
    once: (event, listener) => real().once(event, listener),
    off: (event, listener) => real().off(event, listener),
  };
}

export function processIo(): Io {
  return {
    // process.stdin is created on first use, which costs start-up time: only commands that
    // read standard input should pay it.
    get stdin() {
      return process.stdin;
    },
    stdout: directOutput(1),
    stderr: directOutput(2),
    env: process.env,
    cwd: process.cwd(),
    get home() {
      // What node:os's homedir() answers on POSIX systems, without loading node:os for it.
      return (process.platform !== "win32" && process.env.HOME) || homedir();
    },
    now: () => new Date(),
  };
}

/** Reads all of standard input as bytes. */
export async function readAllBytes(stream: InStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Reads all of standard input as UTF-8. */
export async function readAll(stream: InStream): Promise<string> {
  return (await readAllBytes(stream)).toString("utf8");
}

/** Removes one trailing line ending, as a file or a pipe usually adds. */
export function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/** True when the environment variable is set to something that means "yes". */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
