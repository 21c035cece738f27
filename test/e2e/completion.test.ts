import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, requireBuild, runInTerminal } from "../helpers/bin.js";
import { stripAnsi } from "../helpers/io.js";

/**
 * The completion scripts in the real shells: bash runs its completion function as it does
 * on TAB, zsh completes in an interactive session in a pseudo-terminal, fish uses its own
 * `complete --do-complete`. Each asks the built binary, found on PATH as `sinch-ticket`.
 * CI installs the three shells; elsewhere a missing one is skipped.
 */
const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

let env: Record<string, string>;
let work: string;

beforeAll(() => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), "st-complete-"));
  const bin = join(work, "bin");
  spawnSync("mkdir", ["-p", bin]);
  writeFileSync(join(bin, "sinch-ticket"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, "sinch-ticket"), 0o755);
  const config = join(work, "config.json");
  writeFileSync(
    config,
    JSON.stringify({ profiles: { prod: { applicationKey: "k1" }, staging: { applicationKey: "k2" } } }),
    { mode: 0o600 },
  );
  writeFileSync(join(work, "secret.txt"), "c2VjcmV0\n");
  const base = cleanEnv({ SINCH_TICKET_CONFIG: config });
  env = { ...base, PATH: `${bin}:${base.PATH}`, TERM: "xterm" };
});

function shell(command: string, args: string[], script: string): string {
  const r = spawnSync(command, [...args, script], { env, cwd: work, encoding: "utf8", timeout: 30000 });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!has("bash") && !process.env.CI)("bash", () => {
  /** What bash offers for the words (the last one being typed), with or without bash-completion. */
  const offered = (words: string[], withBashCompletion: boolean) => {
    const line = words.join(" ");
    const quoted = words.map((w) => `'${w}'`).join(" ");
    const lib = "/usr/share/bash-completion/bash_completion";
    return shell(
      "bash",
      ["--norc", "--noprofile", "-c"],
      `${withBashCompletion ? `source ${lib}; ` : ""}source <(sinch-ticket completion bash)
       COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMP_LINE='${line}'; COMP_POINT=${line.length}
       _sinch_ticket; printf '%s\\n' "\${COMPREPLY[@]}"`,
    )
      .split("\n")
      .filter(Boolean)
      .sort();
  };

  for (const withBashCompletion of has("bash") &&
  spawnSync("test", ["-f", "/usr/share/bash-completion/bash_completion"]).status === 0
    ? [false, true]
    : [false]) {
    it(`completes commands, values, profiles and files${withBashCompletion ? " (with bash-completion)" : ""}`, () => {
      expect(offered(["sinch-ticket", "si"], withBashCompletion)).toEqual(["sign"]);
      expect(offered(["sinch-ticket", "sign", "--type", ""], withBashCompletion)).toEqual([
        "email",
        "number",
        "username",
      ]);
      expect(offered(["sinch-ticket", "sign", "--profile", ""], withBashCompletion)).toEqual(["prod", "staging"]);
      expect(offered(["sinch-ticket", "config", "use", ""], withBashCompletion)).toEqual(["prod", "staging"]);
      expect(offered(["sinch-ticket", "config", "use", "st"], withBashCompletion)).toEqual(["staging"]);
      expect(offered(["sinch-ticket", "verify", "--secret-file", "sec"], withBashCompletion)).toEqual(["secret.txt"]);
      expect(offered(["sinch-ticket", "sign", "--sec"], withBashCompletion)).toEqual([
        "--secret-file",
        "--secret-stdin",
      ]);
    });
  }
});

describe.skipIf(!has("fish") && !process.env.CI)("fish", () => {
  const offered = (line: string) =>
    shell("fish", ["--no-config", "-c"], `sinch-ticket completion fish | source; complete --do-complete '${line}'`)
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t")[0])
      .sort();

  it("completes commands, values, profiles and files", () => {
    expect(offered("sinch-ticket si")).toEqual(["sign"]);
    expect(offered("sinch-ticket sign --type ")).toEqual(["email", "number", "username"]);
    expect(offered("sinch-ticket sign --profile ")).toEqual(["prod", "staging"]);
    expect(offered("sinch-ticket config use ")).toEqual(["prod", "staging"]);
    expect(offered("sinch-ticket sign --secret-file sec")).toEqual(["secret.txt"]);
    expect(offered("sinch-ticket config re")).toEqual(["remove"]);
  });

  it("shows each command's description", () => {
    const out = shell(
      "fish",
      ["--no-config", "-c"],
      "sinch-ticket completion fish | source; complete --do-complete 'sinch-ticket ver'",
    );
    expect(out).toMatch(/^verify\tCheck a ticket's format/m);
  });
});

describe.skipIf(!has("zsh") && !process.env.CI)("zsh", () => {
  /** Types `line` and TAB in an interactive zsh; returns the screen after the completion. */
  const complete = async (line: string, expected: RegExp) => {
    const zdotdir = mkdtempSync(join(tmpdir(), "st-zsh-"));
    writeFileSync(
      join(zdotdir, ".zshrc"),
      `autoload -Uz compinit && compinit -u -d $ZDOTDIR/.zcompdump\nsource <(sinch-ticket completion zsh)\ncd '${work}'\nPROMPT='ready> '\n`,
    );
    const { screen } = await runInTerminal(
      "zsh -i",
      [
        { waitFor: /ready> /, type: `${line}\t` },
        { waitFor: expected, type: "\u0015exit\r" },
      ],
      { ...env, ZDOTDIR: zdotdir },
    );
    return stripAnsi(screen);
  };

  it("completes a command in place", async () => {
    // Only "si" was typed: "sign" on the screen is zsh's completion.
    expect(await complete("sinch-ticket si", /sinch-ticket sign/)).toContain("sinch-ticket sign");
  });

  it("lists the fixed values of --type", async () => {
    const screen = await complete("sinch-ticket sign --type ", /username/);
    for (const value of ["email", "number", "username"]) expect(screen).toContain(value);
  });

  it("lists profile names for --profile and config use", async () => {
    for (const line of ["sinch-ticket verify --profile ", "sinch-ticket config use "]) {
      const screen = await complete(line, /staging/);
      expect(screen).toContain("prod");
      expect(screen).toContain("staging");
    }
  });

  it("offers files for --secret-file", async () => {
    expect(await complete("sinch-ticket sign --secret-file sec", /secret\.txt/)).toContain("secret.txt");
  });
});
