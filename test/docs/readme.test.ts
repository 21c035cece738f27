import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT_CODE_MEANINGS, ExitCode, type ExitCodeName } from "../../src/cli/terminal/exit.js";
import { cleanEnv, requireBuild } from "../helpers/bin.js";

describe("README", () => {
  it("shows exactly what --help prints for every command", () => {
    requireBuild();
    const r = spawnSync(process.execPath, ["scripts/readme-help.mjs", "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // The section is really there, with the help of a command and of a subcommand.
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain("`sinch-ticket verify --help`\n\n```text\nUsage: sinch-ticket verify [options] [ticket]");
    expect(readme).toContain("Usage: sinch-ticket config init [options]");
  });

  it("quick start: the command after the build runs as written, from the repository", () => {
    requireBuild();
    const readme = readFileSync("README.md", "utf8");
    const block = /## Quick start[\s\S]*?```sh\n([^\n]*)\n/.exec(readme)?.[1] ?? "";
    expect(block).toMatch(/^npm ci && npm run build && /);
    const command = block.replace(/^npm ci && npm run build && /, "");
    const r = spawnSync("bash", ["-c", `set -o pipefail; ${command}`], { env: cleanEnv({}), encoding: "utf8" });
    expect(r.stdout).toMatch(/^✓ valid ticket\n/);
    expect(r.status).toBe(0);
  });

  it("lists every exit code with the meaning src/cli/terminal/exit.ts gives it, in code order", () => {
    const readme = readFileSync("README.md", "utf8");
    const section =
      /## Output and exit codes[\s\S]*?\| code \| meaning \|\n\|---\|---\|\n((?:\|.*\|\n)+)/.exec(readme)?.[1] ?? "";
    const rows = section
      .trim()
      .split("\n")
      .map((line) => /^\| (\d+) \| (.*) \|$/.exec(line)?.slice(1));
    const expected = (Object.keys(ExitCode) as ExitCodeName[])
      .map((name) => [String(ExitCode[name]), EXIT_CODE_MEANINGS[name]])
      .sort(([a], [b]) => Number(a) - Number(b));
    expect(rows).toEqual(expected);
    expect(rows.length).toBe(11);
  });

  it("never runs the command as `node bin/...`, where Node 20 to 24 take --env-file for themselves", () => {
    for (const file of ["README.md", "SECURITY.md", "docs/road.md", "docs/benchmarks.md"]) {
      const blocks = readFileSync(file, "utf8").match(/^```[\s\S]*?^```/gm) ?? [];
      for (const block of blocks) expect(block, file).not.toMatch(/\bnode (\.\/)?bin\/sinch-ticket/);
    }
  });
});
