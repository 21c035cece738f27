import { type ParseArgsConfig, parseArgs } from "node:util";
import { usageError } from "./terminal/exit.js";

/**
 * Declarative commands and options, parsed with node:util parseArgs (no dependency, no
 * start-up cost) and rendered as help from the same table.
 */
export interface OptionSpec {
  /** Long name without dashes: `expires-in`. */
  name: string;
  short?: string;
  /** Placeholder for a value (`<duration>`); absent for a boolean flag. */
  value?: string;
  description: string;
  hidden?: boolean;
  default?: string;
}

export interface ArgumentSpec {
  name: string;
  required?: boolean;
  description: string;
}

export interface CommandSpec<Flags = Record<string, unknown>> {
  /** "sign", or "config init". */
  name: string;
  summary: string;
  args: ArgumentSpec[];
  options: OptionSpec[];
  examples?: string[];
  run: (args: string[], flags: Flags) => Promise<number>;
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: "no-color", description: "no colours in output" },
  { name: "help", short: "h", description: "show help for the command" },
];

/** `expires-in` → `expiresIn`; `no-input` → `input: false`, as commands expect. */
function flagKey(name: string): [string, boolean] {
  const negated = name.startsWith("no-");
  const base = negated ? name.slice(3) : name;
  return [base.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), negated];
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

export function suggest(word: string, candidates: string[]): string {
  const best = candidates
    .map((c) => [c, levenshtein(word, c)] as const)
    .filter(([, d]) => d <= Math.max(2, Math.floor(word.length / 3)))
    .sort((x, y) => x[1] - y[1])[0];
  return best ? ` (did you mean ${best[0]}?)` : "";
}

export interface Parsed {
  args: string[];
  flags: Record<string, unknown>;
  help: boolean;
}

/**
 * Parses a command's arguments. A value-taking option always takes the next token, so
 * `--created -2h` works as getopt users expect. Messages never echo option values.
 */
export function parseCommand(spec: CommandSpec<never>, argv: string[]): Parsed {
  const options = [...spec.options, ...GLOBAL_OPTIONS];
  const byLong = new Map(options.map((o) => [`--${o.name}`, o]));
  const byShort = new Map(options.filter((o) => o.short).map((o) => [`-${o.short}`, o]));
  const tokens: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") {
      tokens.push(...argv.slice(i));
      break;
    }
    const option = byLong.get(token) ?? byShort.get(token);
    if (option?.value !== undefined && i + 1 < argv.length) {
      tokens.push(`--${option.name}=${argv[i + 1]}`);
      i++;
    } else {
      tokens.push(token);
    }
  }

  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: tokens,
      options: Object.fromEntries(
        options.map((o) => [
          o.name,
          { type: o.value === undefined ? "boolean" : "string", ...(o.short ? { short: o.short } : {}) },
        ]),
      ) as ParseArgsConfig["options"],
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
  } catch (error) {
    throw usageError(describeParseError(error, spec, options));
  }

  const flags: Record<string, unknown> = {};
  for (const o of options) {
    const [key, negated] = flagKey(o.name);
    const value = values[o.name];
    if (value !== undefined) flags[key] = negated ? !value : value;
    else if (o.default !== undefined) flags[key] = o.default;
  }
  const help = values.help === true;
  if (!help) {
    const max = spec.args.length;
    if (positionals.length > max) {
      throw usageError(
        `too many arguments for '${spec.name}': expected ${max === 0 ? "none" : `at most ${max}`}, got ${positionals.length}`,
      );
    }
    const missing = spec.args.find((a, i) => a.required && positionals[i] === undefined);
    if (missing) throw usageError(`missing argument <${missing.name}> for '${spec.name}'`);
  }
  return { args: positionals, flags, help };
}

function describeParseError(error: unknown, spec: CommandSpec<never>, options: OptionSpec[]): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const name = /--[a-z][\w-]*/.exec(message)?.[0] ?? /'(-\w)/.exec(message)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${name}' for '${spec.name}'${suggest(
        name,
        options.filter((o) => !o.hidden).map((o) => `--${o.name}`),
      )}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /does not take an argument/.test(message)
        ? `option '${name}' does not take a value`
        : `option '${name}' needs a value`;
    default:
      return message;
  }
}

/** Help text for one command, from the same table the parser uses. */
export function commandHelp(spec: CommandSpec<never>, program: string): string {
  const usageArgs = spec.args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" ");
  const lines = [`Usage: ${program} ${spec.name} [options]${usageArgs ? ` ${usageArgs}` : ""}`, "", spec.summary];
  if (spec.args.length > 0) {
    lines.push("", "Arguments:");
    const w = Math.max(...spec.args.map((a) => a.name.length));
    for (const a of spec.args) lines.push(`  ${a.name.padEnd(w)}  ${a.description}`);
  }
  const visible = [...spec.options, ...GLOBAL_OPTIONS].filter((o) => !o.hidden);
  const labels = visible.map((o) => `${o.short ? `-${o.short}, ` : "    "}--${o.name}${o.value ? ` ${o.value}` : ""}`);
  const w = Math.max(...labels.map((l) => l.length));
  lines.push("", "Options:");
  visible.forEach((o, i) => {
    lines.push(`  ${(labels[i] as string).padEnd(w)}  ${o.description}${o.default ? ` (default: ${o.default})` : ""}`);
  });
  if (spec.examples?.length) lines.push("", "Examples:", ...spec.examples.map((e) => `  $ ${e}`));
  return `${lines.join("\n")}\n`;
}
