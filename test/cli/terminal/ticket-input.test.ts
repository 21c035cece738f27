import { describe, expect, it } from "vitest";
import { createTicket } from "../../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const ticket = (endpoint: string) =>
  createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint }, now: NOW }).userTicket;
const T = ticket("alice");

describe("decode, verify and verify --batch read pasted text", () => {
  const pasted = [
    `https://app.example.com/callback?user=alice&ticket=${encodeURIComponent(T)}`,
    `curl https://api.sinch.com/v1/instance -H 'Authorization: User ${T}'`,
    JSON.stringify({ level: "info", context: { request: { userTicket: T } } }),
    `2026-11-28T12:00:01Z INFO login ok ticket=${T} user=alice`,
  ];

  it.each(pasted)("verify %s", async (text) => {
    const r = await runCli(["verify", text], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ valid ticket/);
    expect(r.stderr).toMatch(/note: (read|took) /);
  });

  it.each(pasted)("decode %s", async (text) => {
    const r = await runCli(["decode", "--json", text], { env: {} });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.payload.identity.endpoint).toBe("alice");
    expect(json.notes.length).toBeGreaterThan(0);
  });

  it("diagnoses a pasted ticket whose '+' became spaces, rather than repairing it", async () => {
    let damaged = T;
    for (let i = 0; !damaged.includes("+"); i++) damaged = ticket(`user${i}`);
    const r = await runCli(["verify", "--json", `log: ticket=${damaged.replaceAll("+", " ")} end`], { env });
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout).diagnosis.map((d: { mistake: string }) => d.mistake)).toContain("plus-as-space");
  });

  it("refuses text with two different tickets: exit 2, how many and where, and what to do", async () => {
    const r = await runCli(["verify", `first ${T}\nsecond ${ticket("bob")}`], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: found 2 different tickets or tokens (line 1, column 7; line 2, column 8): pass one, or put one per line and use verify --batch\n",
    );
    expect(r.stdout).toBe("");
    expect((await runCli(["decode", `${T} ${ticket("bob")}`])).code).toBe(2);
  });

  it("says so when pasted text holds no ticket, instead of parsing the text as one", async () => {
    for (const text of ["https://app.example.com/callback?user=alice", '{"user": "alice"}', "login failed for alice"]) {
      const r = await runCli(["verify", "--json", text], { env });
      expect(r.code).toBe(6);
      const json = JSON.parse(r.stdout);
      expect(json.checks[0].detail).toMatch(/^no ticket or registration token found in the text/);
      expect(json.diagnosis).toEqual([]);
    }
    // Text made only of ticket characters is still read as a (broken) ticket.
    expect((await runCli(["decode", "::::"])).stderr).toMatch(/4 ':' separators/);
  });

  it("reads each batch line the same way", async () => {
    const lines = [...pasted, `two: ${T} ${ticket("bob")}`].join("\n");
    const r = await runCli(["verify", "--batch", "-", "--ignore-time"], { env, stdin: lines });
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.slice(0, 4).map((o) => o.valid)).toEqual([true, true, true, true]);
    // What verify says of the same text: two tickets, never a verdict on either.
    expect(out[4]).toMatchObject({ line: 5, valid: false, code: "error", identity: null, diagnosis: [] });
    expect(out[4].error).toMatch(/2 different tickets or tokens/);
    expect(r.stderr).toMatch(/line 5: found 2 different tickets or tokens/);
    expect(r.code).toBe(8);
  });
});

describe("decode shows what it can read", () => {
  it("when only the signature is damaged: everything, the damage as a warning, exit 6", async () => {
    const { ticketWithMistake } = await import("../../helpers/mistakes.js");
    const stripped = ticketWithMistake("stripped-digest", KEY, SECRET, OTHER_SECRET);
    const human = await runCli(["decode", stripped]);
    expect(human.code).toBe(6);
    expect(human.stdout).toMatch(/identity\s+username "user\d+"/);
    expect(human.stdout).toMatch(/signature\s+3[01] bytes/);
    expect(human.stderr).toMatch(/warning: the signature is damaged: signature is 3[01] bytes/);
    const json = await runCli(["decode", "--json", stripped]);
    expect(json.code).toBe(6);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.payload.identity.type).toBe("username");
    expect(parsed.warnings[0]).toMatch(/^the signature is damaged/);
    // Damage in the data is still plain malformed, nothing shown.
    const broken = await runCli(["decode", `x${stripped}`]);
    expect(broken.code).toBe(6);
    expect(broken.stdout).toBe("");
  });

  it("warns about an endpoint JSON-encoded twice", async () => {
    const t = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: '"alice"' },
      now: NOW,
    });
    const r = await runCli(["decode", t.userTicket]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'the endpoint is wrapped in literal quotes ("\\"alice\\""): the identity was JSON-encoded twice',
    );
  });
});
