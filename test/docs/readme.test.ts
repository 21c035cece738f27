import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { requireBuild } from "../helpers/bin.js";

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
});
