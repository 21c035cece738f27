import { describe, expect, it } from "vitest";
import { createTicket } from "../../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { runCli, stripAnsi } from "../../helpers/io.js";
import { vectors } from "../../helpers/vectors.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const ticket = (opts: Partial<Parameters<typeof createTicket>[0]> = {}) =>
  createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "alice" }, now: NOW, ...opts })
    .userTicket;

describe("verify", () => {
  const cases: [string, () => string, string[], number][] = [
    ["valid", () => ticket(), [], 0],
    ["bad signature", () => ticket({ applicationSecret: OTHER_SECRET }), [], 3],
    ["expired", () => ticket({ created: "-2h", expiresIn: 3600 }), [], 4],
    ["max age", () => ticket({ created: "-2h" }), ["--max-age", "1h"], 4],
    ["not yet valid", () => ticket({ created: "+1h" }), [], 5],
    ["malformed", () => "garbage", [], 6],
    ["key mismatch", () => ticket({ applicationKey: "other" }), [], 7],
    ["verified as of a time", () => ticket({ created: "-2h", expiresIn: 3600 }), ["--now", "-90m"], 0],
    ["time ignored", () => ticket({ created: "+1h" }), ["--ignore-time"], 0],
    ["skew widened", () => ticket({ created: "+10m" }), ["--clock-skew", "15m"], 0],
  ];
  it.each(cases)("%s", async (_name, make, flags, code) => {
    const r = await runCli(["verify", make(), ...flags], { env });
    expect(r.code).toBe(code);
  });

  it("prints the contract's JSON", async () => {
    const r = await runCli(["verify", "--json", ticket({ applicationSecret: OTHER_SECRET })], { env });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ valid: false, code: "bad_signature", format: "ticket" });
    expect(out.checks.map((c: { name: string; ok: boolean | null }) => [c.name, c.ok])).toEqual([
      ["format", true],
      ["applicationKey", true],
      ["signature", false],
      ["created", true],
      ["expiry", null],
    ]);
    expect(out.payload.identity).toEqual({ type: "username", endpoint: "alice" });
    expect(Array.isArray(out.diagnosis)).toBe(true);
  });

  it("is silent with --quiet", async () => {
    const r = await runCli(["verify", "-q", ticket({ applicationSecret: OTHER_SECRET })], { env });
    expect(r).toEqual({ code: 3, stdout: "", stderr: "" });
  });

  it("shows each check in the human view", async () => {
    const r = await runCli(["verify", ticket()], { env });
    const out = stripAnsi(r.stdout);
    expect(out).toMatch(/^✓ valid ticket\n/);
    expect(out).toContain("✓ signature       HMAC-SHA256 matches");
    expect(out).toContain("- expiry          skipped: no expiresIn in the ticket and no maximum age given");
  });

  it("reads the ticket from stdin, and refuses stdin twice", async () => {
    expect((await runCli(["verify", "-"], { env, stdin: `${ticket()}\n` })).code).toBe(0);
    const both = await runCli(["verify", "--secret-stdin", "--key", KEY], { stdin: SECRET });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/already used for the secret/);
  });

  it("needs a secret", async () => {
    const r = await runCli(["verify", ticket()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no application secret/);
  });

  it("accepts every published and computed vector", async () => {
    for (const v of vectors.userTickets.filter((x) => x.applicationSecret)) {
      const r = await runCli(["verify", "--ignore-time", "--key", v.applicationKey, "--secret-stdin", v.userTicket], {
        stdin: v.applicationSecret!,
      });
      expect(r.code, v.name).toBe(0);
    }
  });
});

describe("verify explains a rejected ticket", () => {
  it("shows the cause under the failed check, and in --json", async () => {
    const { ticketWithMistake } = await import("../../helpers/mistakes.js");
    const t = ticketWithMistake("plus-as-space", KEY, SECRET, OTHER_SECRET);
    const human = await runCli(["verify", t], { env });
    expect(human.code).toBe(6);
    const lines = stripAnsi(human.stdout).split("\n");
    const format = lines.findIndex((l) => l.includes("✗ format"));
    expect(lines[format + 1]).toMatch(/^ {6}cause \(plus-as-space\): the ticket has \d+ spaces? where '\+' should be/);
    const json = JSON.parse((await runCli(["verify", "--json", t], { env })).stdout);
    expect(json.code).toBe("malformed");
    expect(json.diagnosis).toEqual([
      {
        mistake: "plus-as-space",
        detail: expect.stringMatching(/URL form decoding.*signed correctly and damaged on the way/),
        repairedVerifies: true,
      },
    ]);
  });

  it("says plainly when no known mistake explains the failure", async () => {
    const t = ticket({ applicationSecret: OTHER_SECRET });
    const r = await runCli(["verify", t], { env });
    expect(stripAnsi(r.stdout)).toContain("no known mistake explains this failure");
    expect(JSON.parse((await runCli(["verify", "--json", t], { env })).stdout).diagnosis).toEqual([]);
  });
});
