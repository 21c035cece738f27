import type { CommandUnknownOpts as Command, Option } from "@commander-js/extra-typings";
import { CredentialResolver } from "../../credentials/resolver.js";
import type { CommandContext } from "../../terminal/context.js";

/** Asks the shell to complete file names instead of listing candidates. */
const FILES = ":files";

interface Candidate {
  value: string;
  description: string;
}

/** Options of a command and of the commands above it (`--no-color`, `--help`). */
function optionsOf(command: Command): Option[] {
  const all: Option[] = [];
  for (let c: Command | null = command; c; c = c.parent) {
    all.push(...c.options.filter((o) => !o.hidden));
    const help = c
      .createHelp()
      .visibleOptions(c)
      .find((o) => o.long === "--help");
    if (help && c === command) all.push(help);
  }
  return all;
}

function findOption(command: Command, word: string): Option | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const found = c.options.find((o) => o.long === word || o.short === word);
    if (found) return found;
  }
  return undefined;
}

const takesValue = (o: Option) => o.required || o.optional;

function subcommandsOf(command: Command): Candidate[] {
  return command
    .createHelp()
    .visibleCommands(command)
    .map((c) => ({ value: c.name(), description: c.description() }));
}

async function profileNames(ctx: CommandContext): Promise<string[]> {
  try {
    return Object.keys((await new CredentialResolver(ctx.io, {}).config())?.config.profiles ?? {});
  } catch {
    return [];
  }
}

/** What fits a value named like this: fixed choices, profile names, or file names. */
async function valuesFor(
  name: string,
  choices: readonly string[] | undefined,
  ctx: CommandContext,
): Promise<Candidate[] | typeof FILES> {
  if (choices?.length) return choices.map((value) => ({ value, description: "" }));
  if (name === "profile") return (await profileNames(ctx)).map((value) => ({ value, description: "profile" }));
  if (/^(path|file|file\|-)$/.test(name)) return FILES;
  return [];
}

/** `--secret-file <path>` → `path`; `<file|->` → `file|-`. */
function valueName(option: Option): string {
  return /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? "";
}

/**
 * Completes `words` (everything after the program name; the last one is being typed)
 * from the commander definitions: subcommands, options, the fixed values of options and
 * arguments, profile names from the config file, and file names where a file is taken.
 */
export async function complete(program: Command, words: string[], ctx: CommandContext): Promise<number> {
  const current = words.at(-1) ?? "";
  let command = program;
  const positionals: string[] = [];
  let pending: Option | undefined;
  let optionsEnded = false;
  for (const word of words.slice(0, -1)) {
    if (pending) {
      pending = undefined;
    } else if (word === "--") {
      optionsEnded = true;
    } else if (!optionsEnded && word.startsWith("-") && word !== "-") {
      const option = word.includes("=") ? undefined : findOption(command, word);
      if (option && takesValue(option)) pending = option;
    } else {
      const sub =
        positionals.length === 0
          ? command.commands.find((c) => c.name() === word || c.aliases().includes(word))
          : undefined;
      if (sub) command = sub;
      else positionals.push(word);
    }
  }

  let found: Candidate[] | typeof FILES = [];
  let prefix = "";
  let typed = current;
  const assigned = /^(--[\w-]+)=(.*)$/.exec(current);
  const valueOption = pending ?? (assigned ? findOption(command, assigned[1] as string) : undefined);
  if (valueOption) {
    if (assigned && !pending) [prefix, typed] = [`${assigned[1]}=`, assigned[2] as string];
    const name = valueOption.attributeName() === "profile" ? "profile" : valueName(valueOption);
    found = await valuesFor(name, valueOption.argChoices, ctx);
  } else if (!optionsEnded && current.startsWith("-")) {
    found = optionsOf(command).flatMap((o) =>
      [o.long, o.short].filter((f): f is string => !!f).map((value) => ({ value, description: o.description })),
    );
  } else if (command.commands.length > 0 && positionals.length === 0) {
    found = subcommandsOf(command);
  } else {
    const args = command.registeredArguments;
    const argument = args[positionals.length] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
    if (argument?.name() === "command") {
      // `help config <TAB>`: the commands below the ones named so far.
      let topic: Command | undefined = program;
      for (const name of positionals) topic = topic?.commands.find((c) => c.name() === name);
      found = topic ? subcommandsOf(topic) : [];
    } else if (argument) found = await valuesFor(argument.name(), argument.argChoices, ctx);
  }

  if (found === FILES) {
    ctx.io.stdout.write(`${FILES}\n`);
    return 0;
  }
  const seen = new Set<string>();
  for (const { value, description } of found) {
    if (!value.startsWith(typed) || seen.has(value)) continue;
    seen.add(value);
    ctx.io.stdout.write(`${prefix}${value}${description ? `\t${description}` : ""}\n`);
  }
  return 0;
}
