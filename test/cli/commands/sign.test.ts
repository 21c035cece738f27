import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTicket, decodeTicket, verifyTicket } from "../../../src/index.js";
import { KEY, NOW, SECRET } from "../../helpers/constants.js";
import { runCli, scriptedPrompter } from "../../helpers/io.js";
import { vectors } from "../../helpers/vectors.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const ticket = (opts: Partial<Parameters<typeof createTicket>[0]> = {}) =>
  createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "alice" }, now: NOW, ...opts })
    .userTicket;

describe("sign", () => {
  it("prints the ticket and a newline, nothing else", async () => {
    const r = await runCli(["sign", "alice"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${ticket()}\n`);
    expect(r.stderr).toBe("");
  });

  it.each([
    [
      ["sign", "alice", "--created", "2016-05-26T15:18:14.762Z"],
      { style: "dotnet", created: "2016-05-26T15:18:14.7620000Z" },
    ],
    [
      ["sign", "alice", "--style", "js", "--created", "2016-05-26T15:18:14.762Z"],
      { style: "js", created: "2016-05-26T15:18:14.762Z" },
    ],
    [["sign", "-t", "email", "a@example.com"], { type: "email", endpoint: "a@example.com" }],
    [["sign", "--type=number", "+46700000000"], { type: "number", endpoint: "+46700000000" }],
    [["sign", "alice", "--expires-in", "1h"], { expiresIn: 3600 }],
    [["sign", "alice", "--style", "js", "--expires-in", "90s"], { expiresIn: 90 }],
    [["sign", "alice", "--created", "-2h"], { created: "2026-11-28T10:00:00.0000000Z" }],
  ])("%j", async (argv, expected) => {
    const r = await runCli(argv, { env });
    expect(r.code).toBe(0);
    const d = decodeTicket(r.stdout.trim());
    const seen = {
      style: d.style,
      created: d.created,
      type: d.identity.type,
      endpoint: d.identity.endpoint,
      expiresIn: d.expiresIn,
    };
    expect(seen).toMatchObject(expected);
  });

  it("reproduces every vector it can build from flags", async () => {
    for (const v of vectors.userTickets.filter(
      (x) => x.applicationSecret && x.identity && !/\p{Cc}/u.test(x.identity.endpoint),
    )) {
      const dir = mkdtempSync(join(tmpdir(), "st-secret-"));
      writeFileSync(join(dir, "secret"), `${v.applicationSecret}\n`);
      const argv = [
        "sign",
        v.identity!.endpoint,
        "--key",
        v.applicationKey,
        "--secret-file",
        join(dir, "secret"),
        "--type",
        v.identity!.type,
        "--style",
        v.layout,
        "--created",
        v.created!,
      ];
      if (v.layout === "dotnet" && v.expiresIn !== undefined) argv.push("--expires-in", String(v.expiresIn));
      const r = await runCli(argv);
      expect(r.stdout, v.name).toBe(`${v.userTicket}\n`);
    }
  });

  it.each([
    [" alice ", /'identity.endpoint' has leading or trailing whitespace: " alice "/],
    ['"alice"', /the endpoint is wrapped in literal quotes \("\\"alice\\""\)/],
    ["Jo\u0308rg", /the endpoint is not in Unicode NFC .*"J\u00f6rg"/],
  ])("warns about the endpoint %j as decode does, and still signs it as given", async (endpoint, warning) => {
    const r = await runCli(["sign", "--", endpoint], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(warning);
    expect(decodeTicket(r.stdout.trim()).identity.endpoint).toBe(endpoint);
    const decoded = await runCli(["decode", r.stdout.trim()]);
    expect(decoded.stderr).toMatch(warning);
  });

  it("normalises a phone number with a note on stderr", async () => {
    const r = await runCli(["sign", "-t", "number", "+46 70-000 00 00"], { env });
    expect(r.code).toBe(0);
    expect(decodeTicket(r.stdout.trim()).identity.endpoint).toBe("+46700000000");
    expect(r.stderr).toContain("normalised to E.164: +46700000000");
  });

  it("drops the trunk prefix '(0)' after the country code, with the note", async () => {
    const r = await runCli(["sign", "--type", "number", "+46 (0)70 123 45 67"], { env });
    expect(r.code).toBe(0);
    expect(decodeTicket(r.stdout.trim()).identity.endpoint).toBe("+46701234567");
    expect(r.stderr).toContain("normalised to E.164: +46701234567 (the trunk prefix '(0)'");
  });

  it("prints the contract's JSON with --json", async () => {
    const r = await runCli(["sign", "alice", "--json", "--expires-in", "60"], { env });
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["userTicket", "format", "style", "payload", "created", "expiresAt"]);
    expect(out).toMatchObject({
      format: "ticket",
      style: "dotnet",
      created: "2026-11-28T12:00:00.0000000Z",
      expiresAt: "2026-11-28T12:01:00.000Z",
    });
    expect(out.payload).toEqual({
      identity: { type: "username", endpoint: "alice" },
      applicationkey: KEY,
      created: "2026-11-28T12:00:00.0000000Z",
      expiresIn: 60,
    });
    expect(verifyTicket(out.userTicket, { applicationSecret: SECRET, now: NOW }).valid).toBe(true);
  });

  it("signs an exact payload from stdin, byte for byte", async () => {
    const payload =
      '{ "applicationKey": "K",\n "identity": {"type":"username","endpoint":"a"}, "created": "2026-11-28T12:00:00Z" }';
    const r = await runCli(["sign", "--payload", "-"], { env, stdin: `${payload}\n` });
    expect(r.code).toBe(0);
    expect(decodeTicket(r.stdout.trim()).json).toBe(payload);
    expect(r.stderr).toMatch(/payload names application 'K'/);
  });

  it.each([
    [["sign", "--payload", "-"], "not json", /the payload is not JSON/],
    [["sign", "--payload", "-"], "{}", /the payload has no 'identity' field/],
    [["sign", "--payload", "/nonexistent/file"], "", /cannot read payload file/],
    [["sign", "x", "--payload", "-"], "{}", /either an endpoint or --payload/],
  ])("refuses a bad payload: %j", async (argv, stdin, message) => {
    const r = await runCli(argv, { env, stdin });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it.each([
    [["sign"], /missing endpoint/],
    [["sign", "a", "--type", "phone"], /argument 'phone' is invalid\. Allowed choices are username, email, number/],
    [
      ["sign", "a", "--style", "java"],
      /option '--style <layout>' argument 'java' is invalid\. Allowed choices are dotnet, js/,
    ],
    [["sign", "a", "--format", "xml"], /option '--format <format>' argument 'xml' is invalid/],
    [
      ["sign", "a", "--created", "2026-01-01T00:00:00"],
      /option '--created <time>' argument .* is invalid\. .* has no time zone/,
    ],
    [["sign", "a", "--created", "2026-01-01T00:00:00.12345678Z"], /8 fraction digits/],
    [["sign", "a", "--style", "js", "--created", "2026-01-01T00:00:00.1234Z"], /at most 3/],
    [
      ["sign", "a", "--expires-in", "soon"],
      /option '--expires-in <duration>' argument 'soon' is invalid\. 'soon' is not a duration/,
    ],
    [["sign", "-t", "email", "nope"], /does not look like an e-mail/],
    [["sign", "-t", "number", "0700000000"], /not E.164/],
    [["sign", "a\u0001"], /control character/],
    [["sign", "a", "--bogus"], /unknown option '--bogus'/],
    [["sign", "a", "b"], /too many arguments/],
    [["frobnicate"], /unknown command/],
  ])("exits 2 for %j", async (argv, message) => {
    const r = await runCli(argv, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("prompts for type and endpoint when a person runs it", async () => {
    const prompter = scriptedPrompter(["email", "bob@example.com"]);
    const r = await runCli(["sign"], { env, prompter });
    expect(r.code).toBe(0);
    expect(prompter.asked).toEqual(["Identity type", "Endpoint (email)"]);
    expect(decodeTicket(r.stdout.trim()).identity).toEqual({ type: "email", endpoint: "bob@example.com" });
  });

  it("asks only for the endpoint when --type is given", async () => {
    const prompter = scriptedPrompter(["+46700000000"]);
    const r = await runCli(["sign", "-t", "number"], { env, prompter });
    expect(prompter.asked).toEqual(["Endpoint (number)"]);
    expect(r.code).toBe(0);
  });

  it("never prompts with --no-input or CI set", async () => {
    for (const [argv, extra] of [
      [["sign", "--no-input"], {}],
      [["sign"], { CI: "true" }],
    ] as const) {
      const prompter = scriptedPrompter([]);
      const r = await runCli([...argv], { env: { ...env, ...extra }, prompter });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/missing endpoint/);
      expect(prompter.asked).toEqual([]);
    }
  });
});
