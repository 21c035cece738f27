import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/io.js";

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
