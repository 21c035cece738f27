/**
 * How the command ends: a run that leaves nothing behind exits at once (without tearing
 * down the heap first); one that leaves anything for the event loop (a timer, a write still
 * queued on a pipe nobody reads yet) ends when that is done, as Node ends on its own.
 * Whether Node's own ending ran is seen from a `beforeExit` listener, which Node calls
 * only there: a preload script (`--require`) reports it on standard error.
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
const report = join(dir, "report.cjs");
writeFileSync(report, `process.on("beforeExit", () => process.stderr.write("[node's own ending]\\n"));\n`);
const timer = join(dir, "timer.cjs");
writeFileSync(timer, "setTimeout(() => process.stderr.write('[timer]\\n'), 300);\n");

function run(args: string[], preload: string[], input = "") {
  const r = spawnSync(process.execPath, [...preload.flatMap((p) => ["--require", p]), CLI, ...args], {
    env: cleanEnv(creds),
    input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the end of a run", () => {
  it("exits at once when nothing is left: a ticket, a verdict, an error, help", () => {
    const signed = run(["sign", "--no-input", "alice"], [report]);
    expect(signed).toMatchObject({ code: 0, stderr: "" });
    expect(signed.stdout).toMatch(/^[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
    const verified = run(["verify", "--ignore-time", signed.stdout.trim()], [report]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^✓ valid/);
    expect(verified.stderr).toBe("");
    const bad = run(["verify", "garbage"], [report]);
    expect(bad.code).toBe(6);
    expect(bad.stderr).not.toContain("[node's own ending]");
    const help = run(["sign", "--help"], [report]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("Usage: sinch-ticket sign");
  });

  it("waits for a timer the run left, as Node would", () => {
    const r = run(["sign", "--no-input", "alice"], [report, timer]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("[timer]\n[node's own ending]\n");
  });

  it("waits until a reader that comes late has taken every line", async () => {
    const child = spawn(
      process.execPath,
      ["--require", report, CLI, "sign", "--count", "50000", "--endpoint-template", "user-{n}"],
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
    expect(stderr).toMatch(/signed 50000 tickets/);
  });
});
