import { beforeAll, describe, expect, it } from "vitest";
import { createTicket } from "../../src/index.js";
import { CLI, cleanEnv, requireBuild, runBin, runInTerminal } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";

beforeAll(requireBuild);

const creds = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const ticket = () =>
  createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "alice" } }).userTicket;
const ESC = "\u001b[";

describe("usage errors come from commander as one line, exit 2", () => {
  it.each([
    [["sign", "alice", "--tpye", "email"], "error: unknown option '--tpye' (Did you mean --type?)"],
    [["sing", "alice"], "error: unknown command 'sing' (Did you mean sign?)"],
    [["config", "ues", "prod"], "error: unknown command 'ues' (Did you mean use?)"],
    [
      ["sign", "alice", "--expires-in"],
      "error: option '--expires-in <duration>' argument missing (see 'sinch-ticket sign --help')",
    ],
    [
      ["sign", "alice", "--type", "phone"],
      "error: option '-t, --type <type>' argument 'phone' is invalid. Allowed choices are username, email, number. (see 'sinch-ticket sign --help')",
    ],
    [
      ["verify", "x", "--secret-file", "s", "--secret-stdin"],
      "error: option '--secret-file <path>' cannot be used with option '--secret-stdin' (see 'sinch-ticket verify --help')",
    ],
    [["config", "use"], "error: missing required argument 'profile' (see 'sinch-ticket config use --help')"],
    [
      ["completion", "tcsh"],
      /^error: command-argument value 'tcsh' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish\./,
    ],
    [["config"], "error: config needs a subcommand: init, show, list, use, remove, migrate, path"],
    [
      ["help", "nonsense"],
      "error: no help for 'nonsense': the commands are sign, decode, verify, config, serve, inspect, request, callback, completion, help",
    ],
  ])("%j", (args, message) => {
    const r = runBin(args, { env: cleanEnv(creds) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    if (typeof message === "string") expect(lines[0]).toBe(message);
    else expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.cjs/);
  });

  it("names an unknown option without the value glued to it", () => {
    for (const args of [
      ["sign", "a", "--token=abc123SECRET"],
      ["sign", "a", "-zabc123SECRET"],
    ]) {
      const r = runBin(args, { env: cleanEnv(creds) });
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain("abc123SECRET");
    }
  });
});

describe("colour is chalk's call, with NO_COLOR and --no-color on top", () => {
  const verifyWith = (env: Record<string, string>, extra: string[] = []) =>
    runBin(["verify", ticket(), ...extra], { env: cleanEnv({ ...creds, ...env }) });

  it("is off in a pipe, on with FORCE_COLOR", () => {
    expect(verifyWith({}).stdout).not.toContain(ESC);
    expect(verifyWith({ FORCE_COLOR: "1" }).stdout).toContain(`${ESC}32m✓ valid ticket`);
  });

  it("is off with NO_COLOR or --no-color even when forced", () => {
    expect(verifyWith({ FORCE_COLOR: "1", NO_COLOR: "1" }).stdout).not.toContain(ESC);
    expect(verifyWith({ FORCE_COLOR: "1" }, ["--no-color"]).stdout).not.toContain(ESC);
    const error = runBin(["sign", "--bogus"], { env: cleanEnv({ FORCE_COLOR: "1", NO_COLOR: "1" }) });
    expect(error.stderr).toBe("error: unknown option '--bogus' (see 'sinch-ticket sign --help')\n");
  });

  it("is on in a terminal, and off there with NO_COLOR, --no-color or FORCE_COLOR=0", async () => {
    const command = `${process.execPath} ${CLI} verify ${ticket()}`;
    const env = { ...cleanEnv(creds), TERM: "xterm-256color" };
    expect((await runInTerminal(command, [], env)).screen).toContain(`${ESC}32m✓ valid ticket`);
    expect((await runInTerminal(command, [], { ...env, NO_COLOR: "1" })).screen).not.toContain(ESC);
    expect((await runInTerminal(`${command} --no-color`, [], env)).screen).not.toContain(ESC);
    expect((await runInTerminal(command, [], { ...env, FORCE_COLOR: "0" })).screen).not.toContain(ESC);
  });
});
