/**
 * How the command ends: when Node finds nothing left for its event loop (`beforeExit`), the
 * command exits at once instead of waiting for the heap's teardown. Nothing may be cut
 * short by it: a timer, work on Node's thread pool, a write queued on a pipe nobody reads
 * yet, another `beforeExit` listener's work (a logger's last flush). A preload script
 * (`--require`) reports the command's call of process.exit on standard error, and others
 * play the timer, the pool's work or the listener.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cleanEnv, requireBuild } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";

beforeAll(requireBuild);

const creds = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const dir = mkdtempSync(join(tmpdir(), "st-exit-"));
const preload = (name: string, code: string) => {
  writeFileSync(join(dir, name), code);
  return join(dir, name);
};
const reportExit = preload(
  "report-exit.cjs",
  `const exit = process.exit;
process.exit = (code) => { require("node:fs").writeSync(2, "[exit " + code + "]\\n"); exit(code); };\n`,
);
const timer = preload("timer.cjs", "setTimeout(() => process.stderr.write('[timer]\\n'), 300);\n");
const pool = preload(
  "pool.cjs",
  `require("node:crypto").pbkdf2("a", "b", 100000, 32, "sha256", () => process.stderr.write("[pool]\\n"));\n`,
);
const flush = preload(
  "flush.cjs",
  `let flushed = false;
process.on("beforeExit", () => { if (!flushed) { flushed = true; setTimeout(() => process.stderr.write("[flushed]\\n"), 200); } });\n`,
);

function run(args: string[], preloads: string[]) {
  const r = spawnSync(process.execPath, [...preloads.flatMap((p) => ["--require", p]), CLI, ...args], {
    env: cleanEnv(creds),
    input: "",
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the end of a run", () => {
  it("exits at once, with the run's code, when nothing is left: a ticket, a verdict, an error, help", () => {
    const signed = run(["sign", "--no-input", "alice"], [reportExit]);
    expect(signed).toMatchObject({ code: 0, stderr: "[exit 0]\n" });
    expect(signed.stdout).toMatch(/^[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
    const verified = run(["verify", "--ignore-time", signed.stdout.trim()], [reportExit]);
    expect(verified).toMatchObject({ code: 0, stderr: "[exit 0]\n" });
    expect(verified.stdout).toMatch(/^✓ valid/);
    const bad = run(["verify", "garbage"], [reportExit]);
    expect(bad.code).toBe(6);
    expect(bad.stderr).toMatch(/\[exit 6\]\n$/);
    const help = run(["sign", "--help"], [reportExit]);
    expect(help).toMatchObject({ code: 0, stderr: "[exit 0]\n" });
    expect(help.stdout).toContain("Usage: sinch-ticket sign");
  });

  it("waits for a timer the run left", () => {
    const r = run(["sign", "--no-input", "alice"], [reportExit, timer]);
    expect(r).toMatchObject({ code: 0, stderr: "[timer]\n[exit 0]\n" });
  });

  it("waits for work on Node's thread pool (which no list of active resources shows)", () => {
    const r = run(["sign", "--no-input", "alice"], [reportExit, pool]);
    expect(r).toMatchObject({ code: 0, stderr: "[pool]\n[exit 0]\n" });
  });

  it("leaves Node to end the process when another listener works at that moment", () => {
    const r = run(["sign", "--no-input", "alice"], [reportExit, flush]);
    expect(r).toMatchObject({ code: 0, stderr: "[flushed]\n" });
  });

  it("waits until a reader that comes late has taken every line", async () => {
    const child = spawn(
      process.execPath,
      ["--require", reportExit, CLI, "sign", "--count", "50000", "--endpoint-template", "user-{n}"],
      { env: cleanEnv(creds), stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // Nobody reads standard output for a while: the pipe fills and writes queue up.
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    let lines = 0;
    child.stdout.on("data", (d: Buffer) => {
      for (const byte of d) if (byte === 10) lines++;
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(lines).toBe(50000);
    expect(stderr).toMatch(/signed 50000 tickets.*\n\[exit 0\]\n$/s);
  });
});
