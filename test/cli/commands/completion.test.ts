import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/io.js";

/** What `__complete` answers for the words typed after the program name. */
async function offered(words: string[], env: Record<string, string> = {}): Promise<string[]> {
  const r = await runCli(["__complete", ...words], { env });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe("");
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t")[0] as string);
}

describe("completion from the command definitions", () => {
  it("offers commands and subcommands, never the hidden ones", async () => {
    expect(await offered([""])).toEqual([
      "sign",
      "decode",
      "verify",
      "config",
      "serve",
      "inspect",
      "request",
      "callback",
      "completion",
      "help",
    ]);
    expect(await offered(["request", ""])).toEqual(["sign", "verify"]);
    expect(await offered(["callback", ""])).toEqual(["send", "listen", "replay"]);
    expect(await offered(["config", ""])).toEqual(["init", "show", "list", "use", "remove", "migrate", "path"]);
    expect(await offered(["help", "config", "re"])).toEqual(["remove"]);
  });

  it("completes the new commands' options, events and files from their definitions", async () => {
    expect(await offered(["callback", "send", "verification-r"])).toEqual([
      "verification-request",
      "verification-result",
    ]);
    expect(await offered(["callback", "send", ""])).toContain("numbers-event");
    expect(await offered(["callback", "listen", "--for"])).toEqual(["--forward-to"]);
    expect(await offered(["request", "verify", "--max"])).toEqual(["--max-skew"]);
    expect(await offered(["request", "verify", "--webhook-secret-file", ""])).toEqual([":files"]);
    expect(await offered(["request", "sign", "GET", "/x", "--body-file", ""])).toEqual([":files"]);
    expect(await offered(["request", "sign", "--"])).not.toContain("--secret");
  });

  it("offers a command's options and the global ones, never --secret", async () => {
    const sign = await offered(["sign", "--"]);
    expect(sign).toContain("--endpoint-template");
    expect(sign).toContain("--no-color");
    expect(sign).not.toContain("--secret");
    expect(await offered(["verify", "--cl"])).toEqual(["--clock-skew"]);
    expect(await offered(["decode", "--"])).not.toContain("--key");
  });

  it("offers fixed values, after a space or an equals sign", async () => {
    expect(await offered(["sign", "--style", ""])).toEqual(["dotnet", "js"]);
    expect(await offered(["sign", "-t", "n"])).toEqual(["number"]);
    expect(await offered(["sign", "--type=e"])).toEqual(["--type=email"]);
    expect(await offered(["sign", "--output-format", ""])).toEqual(["ndjson", "csv"]);
    expect(await offered(["completion", ""])).toEqual(["bash", "zsh", "fish"]);
  });

  it("asks for file names where an option takes a file", async () => {
    for (const words of [
      ["sign", "--payload", ""],
      ["verify", "--dotenv", "x"],
      ["sign", "--batch", ""],
    ]) {
      expect(await offered(words)).toEqual([":files"]);
    }
  });

  it("reads profile names from the config file, and offers nothing when it is corrupt", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-complete-"));
    const path = join(dir, "config.json");
    writeFileSync(path, JSON.stringify({ profiles: { prod: {}, "eu-test": {} } }));
    const env = { SINCH_TICKET_CONFIG: path };
    expect(await offered(["sign", "--profile", ""], env)).toEqual(["prod", "eu-test"]);
    expect(await offered(["config", "remove", "e"], env)).toEqual(["eu-test"]);
    writeFileSync(path, "{ not json");
    expect(await offered(["config", "use", ""], env)).toEqual([]);
  });

  it("skips the values of options already typed, and stops at --", async () => {
    expect(await offered(["sign", "--type", "email", "--style", "js", ""])).toEqual([]);
    expect(await offered(["verify", "--now", "-2h", "--"])).toContain("--max-age");
    expect(await offered(["sign", "--", "--"])).toEqual([]);
  });
});
