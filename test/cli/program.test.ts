import { describe, expect, it } from "vitest";
import { runCli, stripAnsi } from "../helpers/io.js";

describe("help and version", () => {
  it("prints help on stdout and exits 0", async () => {
    for (const argv of [[], ["--help"], ["sign", "--help"]]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: sinch-ticket/);
    }
    const topic = await runCli(["help", "config", "init"]);
    expect(topic.stdout).toMatch(/^Usage: sinch-ticket config init/);
    const unknown = await runCli(["help", "nonsense"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no help for 'nonsense': the commands are sign, decode, verify, config/);
    const v = await runCli(["--version"]);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe("help of decode and verify", () => {
  it.each([
    ["decode", ["0", "2", "6"]],
    ["verify", ["0", "2", "3", "4", "5", "6", "7", "8"]],
  ])("%s --help says what may be pasted and lists the exit codes", async (command, codes) => {
    const r = await runCli([command as string, "--help"]);
    expect(r.code).toBe(0);
    const help = stripAnsi(r.stdout);
    for (const form of ["a URL", "curl", "HTTP request", "JSON", "log line"]) expect(help).toContain(form);
    const table = help.slice(help.indexOf("Exit codes:"));
    expect(help).toContain("Exit codes:");
    for (const code of codes as string[]) expect(table).toMatch(new RegExp(`^  ${code} {2,}\\S`, "m"));
  });
});
