import { homedir } from "node:os";

/** What a command may touch of the outside world; tests pass their own. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface InStream extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
}

export interface Io {
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  now(): Date;
  /** Overrides the terminal prompts (tests). */
  prompter?: import("./prompt.js").Prompter;
}

export function processIo(): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
    now: () => new Date(),
  };
}

/** Reads all of standard input as UTF-8. */
export async function readAll(stream: InStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Removes one trailing line ending, as a file or a pipe usually adds. */
export function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/** True when the environment variable is set to something that means "yes". */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
