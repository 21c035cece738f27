import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
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
    const readme = readFileSync("docs/reference.md", "utf8");
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

describe("README and docs/", () => {
  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as '-'. */
  const slug = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_\- ]/gu, "")
      .replaceAll(" ", "-");
  const anchorsOf = (text: string) => {
    const anchors = new Set<string>();
    let fence = false;
    for (const line of text.split("\n")) {
      if (line.startsWith("```")) fence = !fence;
      const heading = fence ? null : /^#+ (.*)$/.exec(line);
      if (heading) anchors.add(slug(heading[1] as string));
    }
    return anchors;
  };
  const docs = readdirSync("docs").filter((f) => f.endsWith(".md"));

  it("the README is one a newcomer reads: at most 600 lines, every guide linked from it", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(600);
    const linked = new Set([...readme.matchAll(/\]\(docs\/([^)#]+\.md)/g)].map((m) => m[1]));
    // Each page is reachable from the README, directly or from a page it links.
    const reachable = new Set(linked);
    for (let grew = true; grew; ) {
      grew = false;
      for (const page of [...reachable]) {
        const text = readFileSync(join("docs", page as string), "utf8");
        for (const m of text.matchAll(/\]\(([a-z0-9-]+\.md)/g)) {
          if (!reachable.has(m[1])) {
            reachable.add(m[1]);
            grew = true;
          }
        }
      }
    }
    expect(docs.filter((d) => !reachable.has(d))).toEqual([]);
  });

  it("every relative link leads to a file that exists, and to a heading it has", () => {
    const broken: string[] = [];
    for (const file of ["README.md", "SECURITY.md", ...docs.map((d) => join("docs", d))]) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1] as string;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split("#") as [string, string | undefined];
        const resolved = path === "" ? file : join(dirname(file), path);
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target}`);
          continue;
        }
        if (anchor && resolved.endsWith(".md") && !anchorsOf(readFileSync(resolved, "utf8")).has(anchor)) {
          broken.push(`${file}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
