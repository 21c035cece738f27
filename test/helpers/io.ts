import { Readable } from "node:stream";
import { run } from "../../src/cli/program.js";
import type { Io, Prompter } from "../../src/cli/terminal/io.js";

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FakeIoOptions {
  env?: Record<string, string | undefined>;
  stdin?: string | Buffer;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  cwd?: string;
  home?: string;
  now?: Date;
  prompter?: Prompter;
}

/** Runs the CLI in-process with captured streams and a frozen clock. */
export async function runCli(argv: string[], options: FakeIoOptions = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as Readable & {
    isTTY?: boolean;
  };
  stdin.isTTY = options.stdinIsTTY ?? false;
  const io: Io = {
    stdin,
    stdout: { write: (s: string) => (stdout += s), isTTY: options.stdoutIsTTY ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.stderrIsTTY ?? false },
    env: options.env ?? {},
    // A fake terminal supports 16 colours; a fake pipe none (the real ones are chalk's to judge).
    colorLevels: { stdout: options.stdoutIsTTY ? 1 : 0, stderr: options.stderrIsTTY ? 1 : 0 },
    cwd: options.cwd ?? "/nonexistent-cwd",
    home: options.home ?? "/nonexistent-home",
    now: () => options.now ?? new Date("2026-11-28T12:00:00.000Z"),
    ...(options.prompter ? { prompter: options.prompter } : {}),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A prompter that answers from a script and records the questions. */
export function scriptedPrompter(answers: (string | boolean)[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    return answers.shift() as never;
  };
  return {
    asked,
    select: async (message) => next(message),
    input: async (message, validate) => {
      const value = next(message) as string;
      const ok = validate(value);
      if (ok !== true) throw new Error(`validation failed: ${ok}`);
      return value;
    },
    password: async (message) => next(message),
    confirm: async (message) => next(message),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
