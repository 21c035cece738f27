/** GitHub Actions through the built binary: masks on a real stderr pipe, none when stdout is a file. */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, requireBuild, runBin, tempHome } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";

beforeAll(requireBuild);

const env = (extra: Record<string, string> = {}) =>
  cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, GITHUB_ACTIONS: "true", ...extra });

const maskLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("::add-mask::"));

describe("masking with real pipes", () => {
  it("masks on stderr, never on stdout, when stdout is a pipe", () => {
    const r = runBin(["sign", "alice"], { env: env() });
    expect(r.code).toBe(0);
    const ticket = r.stdout.trim();
    expect(r.stdout).toBe(`${ticket}\n`);
    expect(maskLines(r.stderr)).toEqual([`::add-mask::${ticket}`]);
  });

  it("writes no mask when stdout is a regular file or /dev/null", () => {
    const dir = tempHome();
    for (const target of [join(dir, "ticket.txt"), "/dev/null"]) {
      const fd = openSync(target, "w");
      try {
        const r = spawnSync(process.execPath, [CLI, "sign", "alice"], {
          env: env(),
          stdio: ["ignore", fd, "pipe"],
          encoding: "utf8",
          timeout: 60000,
        });
        expect(r.status).toBe(0);
        expect(r.stderr).toBe("");
      } finally {
        closeSync(fd);
      }
    }
    expect(readFileSync(join(dir, "ticket.txt"), "utf8")).toMatch(/^[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+\n$/);
  });

  it("masks for $GITHUB_OUTPUT even when stdout is a file (later steps may print the output)", () => {
    const dir = tempHome();
    const fd = openSync(join(dir, "ticket.txt"), "w");
    try {
      const r = spawnSync(process.execPath, [CLI, "sign", "alice", "--github-output", "ticket"], {
        env: env({ GITHUB_OUTPUT: join(dir, "output") }),
        stdio: ["ignore", fd, "pipe"],
        encoding: "utf8",
        timeout: 60000,
      });
      expect(r.status).toBe(0);
      const ticket = readFileSync(join(dir, "ticket.txt"), "utf8").trim();
      expect(maskLines(r.stderr)).toEqual([`::add-mask::${ticket}`]);
      expect(readFileSync(join(dir, "output"), "utf8")).toContain(`\n${ticket}\n`);
    } finally {
      closeSync(fd);
    }
  });

  it("masks every registration token of a batch that runs on worker threads", () => {
    const count = 20_000;
    const r = runBin(["sign", "--format", "jwt", "--count", String(count), "--endpoint-template", "user{n}"], {
      env: env(),
    });
    expect(r.code, r.stderr).toBe(0);
    const tokens = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l).token as string);
    expect(tokens).toHaveLength(count);
    expect(maskLines(r.stderr)).toEqual(tokens.map((t) => `::add-mask::${t}`));
    const verified = runBin(["verify", "--batch", "-", "--quiet"], { env: env(), input: r.stdout });
    expect(verified.code).toBe(0);
    expect(verified.stderr).toContain(`verified ${count} tickets: ${count} valid, 0 invalid`);
  });

  it("gives the same tokens with and without worker threads (all but the nonce)", () => {
    const args = [
      "sign",
      "--format",
      "jwt",
      "--count",
      "30000",
      "--endpoint-template",
      "u{n}",
      "--now",
      "2026-01-01T00:00:00Z",
    ];
    const two = runBin(args, { env: cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET }) });
    const one = runBin(args, {
      env: cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_TICKET_WORKERS: "0" }),
    });
    const users = (out: string) =>
      out
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).userId);
    expect(two.code).toBe(0);
    expect(users(two.stdout)).toEqual(users(one.stdout));
    expect(users(two.stdout)[29_999]).toBe("u30000");
  });
});
