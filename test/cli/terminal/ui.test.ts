import { describe, expect, it } from "vitest";
import { createTicket } from "../../../src/index.js";
import { KEY, NOW, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const ticket = (opts: Partial<Parameters<typeof createTicket>[0]> = {}) =>
  createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "alice" }, now: NOW, ...opts })
    .userTicket;

describe("colour", () => {
  it("is used where the terminal has it, and never with NO_COLOR or --no-color", async () => {
    const t = ticket();
    const tty = { env, stdoutIsTTY: true, stderrIsTTY: true };
    const green = "\u001b[32m✓ valid ticket\u001b[39m";
    expect((await runCli(["verify", t], tty)).stdout).toContain(green);
    expect((await runCli(["verify", t], { ...tty, env: { ...env, NO_COLOR: "1" } })).stdout).not.toContain("\u001b[");
    expect((await runCli(["verify", t, "--no-color"], tty)).stdout).not.toContain("\u001b[");
    expect((await runCli(["--no-color", "verify", t], tty)).stdout).not.toContain("\u001b[");
    expect((await runCli(["verify", t], { env })).stdout).not.toContain("\u001b[");
    // stderr is judged on its own: the demo warning is yellow on a terminal, plain in a pipe.
    const demo = await runCli(["sign", "--demo", "a"], { stderrIsTTY: true });
    expect(demo.stderr).toContain("\u001b[33mwarning:\u001b[39m");
    expect(demo.stdout).not.toContain("\u001b[");
  });
});
