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

/** @inquirer/prompts, drawn on stderr so that stdout carries only the result. */
export function terminalPrompter(io: Io): Prompter {
  const context = {
    input: io.stdin as NodeJS.ReadableStream,
    output: io.stderr.stream?.() ?? (io.stderr as NodeJS.WritableStream),
    clearPromptOnDone: false,
  };
  const load = () => import("@inquirer/prompts");
  const guard = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (error) {
      if (cancelled(error)) throw new ExitError(ExitCode.interrupted, "");
      throw error;
    }
  };
  return {
    select: (message, choices) => guard(async () => (await load()).select({ message, choices }, context)),
    input: (message, validate, defaultValue) =>
      guard(async () =>
        (await load()).input(
          { message, validate, ...(defaultValue !== undefined ? { default: defaultValue } : {}) },
          context,
        ),
      ),
    password: (message, validate) =>
      guard(async () => (await load()).password({ message, validate, mask: "*" }, context)),
    confirm: (message, defaultValue) =>
      guard(async () => (await load()).confirm({ message, default: defaultValue }, context)),
  };
}

export function prompterFor(io: Io): Prompter {
  return io.prompter ?? terminalPrompter(io);
}
