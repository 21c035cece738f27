/** `config` through the built binary: concurrent writers, and the prompts in a terminal. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, requireBuild, runBin, runInTerminal, tempHome } from "../helpers/bin.js";
import { SECRET } from "../helpers/constants.js";
import { stripAnsi } from "../helpers/io.js";

beforeAll(requireBuild);

function initProfile(env: Record<string, string>, name: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [CLI, "config", "init", "--profile", name, "--key", `key-${name}`, "--secret-stdin"],
      {
        env,
        stdio: ["pipe", "ignore", "ignore"],
      },
    );
    child.stdin.end(`${SECRET}\n`);
    child.on("exit", resolve);
  });
}

describe("config file under concurrent writers", () => {
  it("eight `config init` processes at once leave a valid file with all eight profiles", async () => {
    const env = cleanEnv();
    const names = Array.from({ length: 8 }, (_, i) => `p${i + 1}`);
    const codes = await Promise.all(names.map((n) => initProfile(env, n)));
    expect(codes).toEqual(names.map(() => 0));
    const path = runBin(["config", "path"], { env }).stdout.trim();
    const config = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(config.profiles).sort()).toEqual(names);
    for (const n of names)
      expect(config.profiles[n]).toEqual({ applicationKey: `key-${n}`, applicationSecret: SECRET });
    expect(names).toContain(config.defaultProfile);
  });
});

describe("config init in a terminal", () => {
  it("asks for the key, hides the secret, and confirms before replacing", async () => {
    const home = tempHome();
    const env = { ...cleanEnv(), HOME: home, XDG_CONFIG_HOME: join(home, ".config"), TERM: "xterm" };
    const first = await runInTerminal(
      `${process.execPath} ${CLI} config init`,
      [
        { waitFor: /Application key/, type: "term-key\r" },
        { waitFor: /Application secret/, type: "not base64!" },
        { waitFor: /\*{11}/, type: "\r" },
        { waitFor: /must be standard base64/, type: `${"\u007f".repeat(11)}${SECRET}\r` },
        { waitFor: /Webhook secret .*optional/, type: "tty-webhook-secret\r" },
      ],
      env,
    );
    expect(first.code).toBe(0);
    expect(first.screen).not.toContain(SECRET);
    expect(first.screen).not.toContain("not base64!");
    expect(first.screen).not.toContain("tty-webhook-secret");
    expect(first.screen).toContain("*".repeat("tty-webhook-secret".length));
    const path = join(home, ".config", "sinch-ticket", "config.json");
    expect(JSON.parse(readFileSync(path, "utf8")).profiles.default).toEqual({
      applicationKey: "term-key",
      applicationSecret: SECRET,
      webhookSecret: "tty-webhook-secret",
    });

    const declined = await runInTerminal(
      `${process.execPath} ${CLI} config init`,
      [{ waitFor: /Replace the existing profile 'default'\?/, type: "n\r" }],
      env,
    );
    expect(declined.code).toBe(0);
    expect(stripAnsi(declined.screen)).toMatch(/nothing changed/);
    expect(JSON.parse(readFileSync(path, "utf8")).profiles.default.applicationKey).toBe("term-key");
  });
});
