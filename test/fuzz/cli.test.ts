/**
 * Random command lines and batch input through the whole CLI (in-process): every outcome
 * is a documented exit code with short messages, never an internal error, a stack trace
 * or the secret.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTicket } from "../../src/index.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { runCli } from "../helpers/io.js";

const DOCUMENTED = [0, 2, 3, 4, 5, 6, 7, 8, 9];
const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const ticket = createTicket({ applicationKey: KEY, applicationSecret: SECRET, identity: { endpoint: "a" } }).userTicket;

const flags = [
  "--type",
  "-t",
  "--style",
  "--created",
  "--expires-in",
  "--format",
  "--json",
  "--no-input",
  "--key",
  "--profile",
  "--demo",
  "--clock-skew",
  "--max-age",
  "--now",
  "--ignore-time",
  "--quiet",
  "--ttl",
  "--nonce",
  "--instance-expires-in",
  "--output-format",
  "--count",
  "--endpoint-template",
  "--no-color",
  "--help",
  "--bogus",
  "-x",
  "--",
  "-",
  "--set",
  "--print",
  "--url",
  "--with-query",
  "--max-skew",
  "--github-output",
];
const values = [
  "username",
  "email",
  "number",
  "dotnet",
  "js",
  "jwt",
  "ticket",
  "csv",
  "ndjson",
  "1h",
  "-2h",
  "+30m",
  "0",
  "59",
  "3",
  "90s",
  "2026-01-01T00:00:00Z",
  "2026-01-01T00:00:00",
  "not-a-time",
  "",
  " ",
  "a@b.co",
  "+46700000000",
  "u{n}",
  ticket,
  "garbage",
  "\u0001",
  "é",
  "x".repeat(300),
  "callid=abc",
  "to.endpoint=+46700000001",
  "a.0.b={",
  "=x",
  "http://127.0.0.1:9",
  "ace",
  "pie",
  "conversation-message",
];
const word = fc.oneof(fc.constantFrom(...flags), fc.constantFrom(...values), fc.string({ maxLength: 12 }));
const argv = fc.tuple(
  fc.constantFrom(
    "sign",
    "decode",
    "verify",
    "config show",
    "config list",
    "request sign",
    "request verify",
    "callback send",
    "callback replay",
    "nonsense",
  ),
  fc.array(word, { maxLength: 6 }),
);

function assertClean(r: { code: number; stdout: string; stderr: string }) {
  expect(DOCUMENTED).toContain(r.code);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |TypeError|ReferenceError/);
  expect(r.stdout + r.stderr).not.toContain(SECRET);
}

describe("random command lines", () => {
  it("end with a documented exit code and no internal error", async () => {
    await fc.assert(
      fc.asyncProperty(argv, async ([command, rest]) => {
        const args = [...command.split(" "), ...rest];
        // Keep generated batches small.
        const i = args.indexOf("--count");
        if (i !== -1 && /^\d{4,}$/.test(args[i + 1] ?? "")) args[i + 1] = "3";
        const r = await runCli(args, { env, stdin: "" });
        assertClean(r);
        if (r.code === 2) expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 400 },
    );
  });
});

describe("random batch input", () => {
  const line = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.json().map((j) => j.replace(/\n/g, " ")),
    fc.constantFrom(
      '{"endpoint":"a"}',
      '{"type":"email","endpoint":"x@y.co"}',
      "type,endpoint",
      '"a,b",c',
      ticket,
      `"${ticket}"`,
      "{",
      "",
    ),
  );
  const input = fc.array(line, { maxLength: 12 }).map((ls) => ls.map((l) => l.replace(/[\r\n]/g, " ")).join("\n"));

  it("sign --batch: every line signed or reported by number; exit 0 or 8", async () => {
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        const r = await runCli(["sign", "--batch", "-", "--created", "2026-01-01T00:00:00Z"], { env, stdin: text });
        assertClean(r);
        expect([0, 8]).toContain(r.code);
        for (const l of r.stderr.trim().split("\n")) expect(l).toMatch(/^(error: line \d+: |note: signed )/);
        for (const l of r.stdout.split("\n").filter(Boolean))
          expect(Object.keys(JSON.parse(l))).toEqual(["type", "endpoint", "userTicket"]);
      }),
      { numRuns: 200 },
    );
  });

  it("verify --batch: one result per non-blank line; exit 0 or 8", async () => {
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        const r = await runCli(["verify", "--batch", "-", "--ignore-time"], { env, stdin: text });
        assertClean(r);
        const nonBlank = text.split("\n").filter((l) => l.trim() !== "").length;
        expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(nonBlank);
        expect(r.code).toBe(nonBlank === (r.stdout.match(/"valid":true/g) ?? []).length ? 0 : 8);
      }),
      { numRuns: 200 },
    );
  });
});

describe("random captured callbacks", () => {
  it("callback replay --print: a re-signed request, or one line saying why not; never an internal error", async () => {
    const { signCallback, sampleBody } = await import("../../src/index.js");
    const now = new Date("2026-11-28T12:00:00Z");
    const signed = signCallback({
      event: "ace",
      body: sampleBody("ace", { applicationKey: KEY, now, id: "c1" }),
      target: "/sinch/ace",
      credentials: { applicationKey: KEY, applicationSecret: SECRET, webhookSecret: null },
      now,
      nonce: "n",
    });
    const capture = [
      `POST ${signed.target} HTTP/1.1`,
      ...signed.headers.map(([n, v]) => `${n}: ${v}`),
      "",
      Buffer.from(signed.body).toString("utf8"),
    ].join("\r\n");
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: capture.length }), fc.string({ maxLength: 8 }), async (at, insert) => {
        const text = capture.slice(0, at) + insert + capture.slice(at + insert.length);
        const r = await runCli(["callback", "replay", "-", "--print"], { env, stdin: text });
        assertClean(r);
        expect([0, 2]).toContain(r.code);
        if (r.code === 0) expect(r.stdout).toMatch(/^[A-Za-z]+ \S+ HTTP\/1\.1\r\n/);
      }),
      { numRuns: 200 },
    );
  });
});
