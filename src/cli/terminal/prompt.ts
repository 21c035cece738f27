import { ExitCode, ExitError } from "./exit.js";
import { envFlag, type Io, type Prompter } from "./io.js";

/**
 * Prompts only for a person: stdin and stderr are terminals, and neither --no-input nor
 * CI says otherwise.
 */
export function canPrompt(io: Io, input: boolean): boolean {
  if (!input || envFlag(io.env.CI)) return false;
  return io.prompter !== undefined || (io.stdin.isTTY === true && io.stderr.isTTY === true);
}

function cancelled(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "ExitPromptError" || name === "AbortPromptError";
}

/** inquirer, drawn on stderr so that stdout carries only the result. */
export function terminalPrompter(io: Io): Prompter {
  const streams = {
    input: io.stdin as NodeJS.ReadableStream,
    output: io.stderr.stream?.() ?? (io.stderr as NodeJS.WritableStream),
    clearPromptOnDone: false,
  };
  const ask = async <T>(question: Record<string, unknown>): Promise<T> => {
    const { createPromptModule } = await import("./prompts-bundle.js");
    const prompt = createPromptModule(streams);
    try {
      // biome-ignore lint/suspicious/noExplicitAny: one question of any of inquirer's types
      const answers = await prompt([{ ...question, name: "answer" } as any]);
      return (answers as { answer: T }).answer;
    } catch (error) {
      if (cancelled(error)) throw new ExitError(ExitCode.interrupted, "");
      throw error;
    }
  };
  return {
    select: (message, choices) => ask({ type: "select", message, choices }),
    input: (message, validate, defaultValue) =>
      ask({ type: "input", message, validate, ...(defaultValue !== undefined ? { default: defaultValue } : {}) }),
    password: (message, validate) => ask({ type: "password", message, validate, mask: "*" }),
    confirm: (message, defaultValue) => ask({ type: "confirm", message, default: defaultValue }),
  };
}

export function prompterFor(io: Io): Prompter {
  return io.prompter ?? terminalPrompter(io);
}
