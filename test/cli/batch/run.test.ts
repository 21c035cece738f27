import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeTicket, verifyTicket } from "../../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const CREATED = "2026-01-02T03:04:05.678Z";
const lines = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));

async function signAlone(type: string, endpoint: string, extra: string[] = []) {
  const r = await runCli(["sign", "--type", type, "--created", CREATED, ...extra, "--", endpoint], { env });
  expect(r.code).toBe(0);
  return r.stdout.trim();
}

describe("sign --batch", () => {
  it("reads plain lines with --type and matches signing each alone, byte for byte", async () => {
    const r = await runCli(["sign", "--batch", "-", "--created", CREATED, "--type", "email"], {
      env,
      stdin: "a@example.com\r\n\n  b@example.com  \nc@example.com",
    });
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => o.endpoint)).toEqual(["a@example.com", "b@example.com", "c@example.com"]);
    for (const o of out) {
      expect(Object.keys(o)).toEqual(["type", "endpoint", "userTicket"]);
      expect(o.userTicket).toBe(await signAlone("email", o.endpoint));
    }
    expect(r.stderr).toMatch(/signed 3 tickets in/);
  });

  it("reads NDJSON identities, each with its own type", async () => {
    const input = [
      '{"type":"number","endpoint":"+46 70 000 00 00"}',
      '{"endpoint":"alice"}',
      '{"type":"email","endpoint":"x@y.co"}',
    ].join("\n");
    const r = await runCli(["sign", "--batch", "-", "--created", CREATED, "--style", "js"], { env, stdin: input });
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => [o.type, o.endpoint])).toEqual([
      ["number", "+46700000000"],
      ["username", "alice"],
      ["email", "x@y.co"],
    ]);
    expect(out[1].userTicket).toBe(await signAlone("username", "alice", ["--style", "js"]));
    expect(decodeTicket(out[0].userTicket).style).toBe("js");
  });

  it("reads CSV with an endpoint column (and optional type), quoted fields included", async () => {
    const input = 'id,Type,endpoint\n1,email,a@b.co\n2,,"Smith, Anna"\n3,username,"say ""hi"""\n';
    const r = await runCli(["sign", "--batch", "-", "--created", CREATED], { env, stdin: input });
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((o) => [o.type, o.endpoint])).toEqual([
      ["email", "a@b.co"],
      ["username", "Smith, Anna"],
      ["username", 'say "hi"'],
    ]);
  });

  it("writes CSV with --output-format csv", async () => {
    const r = await runCli(["sign", "--batch", "-", "--created", CREATED, "--output-format", "csv"], {
      env,
      stdin: "alice\nSmith, Anna\n",
    });
    const [header, first, second] = r.stdout.trimEnd().split("\n");
    expect(header).toBe("type,endpoint,userTicket");
    expect(first).toBe(`username,alice,${await signAlone("username", "alice")}`);
    expect(second).toBe(`username,"Smith, Anna",${await signAlone("username", "Smith, Anna")}`);
  });

  it("reports bad lines with their numbers, signs the rest, exits 8", async () => {
    const input = [
      '{"endpoint":"ok1"}',
      "{not json",
      '{"type":"email","endpoint":"nope"}',
      '{"type":"fax","endpoint":"x"}',
      '{"endpoint":"ok2"}',
    ].join("\n");
    const r = await runCli(["sign", "--batch", "-"], { env, stdin: input });
    expect(r.code).toBe(8);
    expect(lines(r.stdout).map((o) => o.endpoint)).toEqual(["ok1", "ok2"]);
    expect(r.stderr).toContain("error: line 2: not a JSON object");
    expect(r.stderr).toContain("error: line 3: bad email endpoint: 'nope' does not look like an e-mail address");
    expect(r.stderr).toContain("error: line 4: 'fax' is not an identity type");
    expect(r.stderr).toMatch(/signed 2 tickets in [\d.]+s; 3 lines failed/);
  });

  it("generates identities with --count and --endpoint-template", async () => {
    const r = await runCli(
      ["sign", "--count", "3", "--endpoint-template", "load-{n}@example.com", "--type", "email", "--created", CREATED],
      { env },
    );
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => o.endpoint)).toEqual(["load-1@example.com", "load-2@example.com", "load-3@example.com"]);
    expect(out[2].userTicket).toBe(await signAlone("email", "load-3@example.com"));
  });

  it("reads a file, and uses one created time for the whole run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-batch-"));
    writeFileSync(join(dir, "users.txt"), "u1\nu2\n");
    const r = await runCli(["sign", "--batch", join(dir, "users.txt")], { env });
    const created = lines(r.stdout).map((o) => decodeTicket(o.userTicket).created);
    expect(created).toEqual(["2026-11-28T12:00:00.0000000Z", "2026-11-28T12:00:00.0000000Z"]);
  });

  it("refuses a line longer than 1 MiB and goes on", async () => {
    const r = await runCli(["sign", "--batch", "-"], { env, stdin: `a\n${"x".repeat(1024 * 1024 + 1)}\nb\n` });
    expect(r.code).toBe(8);
    expect(lines(r.stdout).map((o) => o.endpoint)).toEqual(["a", "b"]);
    expect(r.stderr).toContain("line 2: longer than 1 MiB; skipped");
  });

  it.each([
    [["sign", "x", "--batch", "-"], /either an endpoint or --batch/],
    [["sign", "--batch", "-", "--count", "2"], /option '--batch <file\|->' cannot be used with option '--count <n>'/],
    [
      ["sign", "--count", "0", "--endpoint-template", "u{n}"],
      /option '--count <n>' argument '0' is invalid\. Expected a whole number of 1 or more/,
    ],
    [["sign", "--count", "2"], /--count needs --endpoint-template/],
    [["sign", "--count", "2", "--endpoint-template", "same"], /--endpoint-template needs \{n\}/],
    [["sign", "--endpoint-template", "u{n}", "a"], /--endpoint-template goes with --count/],
    [
      ["sign", "--batch", "-", "--output-format", "xml"],
      /option '--output-format <format>' argument 'xml' is invalid\. Allowed choices are ndjson, csv/,
    ],
    [["sign", "--batch", "/nonexistent/users.txt"], /cannot read batch input \/nonexistent\/users.txt \(ENOENT\)/],
    [
      ["sign", "--batch", "-", "--payload", "p.json"],
      /option '--payload <file\|->' cannot be used with option '--batch <file\|->'/,
    ],
  ])("refuses %j", async (argv, message) => {
    const r = await runCli(argv, { env, stdin: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("verifies what it signs, for every identity type", async () => {
    const r = await runCli(["sign", "--batch", "-"], {
      env,
      stdin: '{"type":"number","endpoint":"+15551234567"}\n{"type":"email","endpoint":"a@b.co"}\n',
    });
    for (const o of lines(r.stdout)) {
      expect(verifyTicket(o.userTicket, { applicationSecret: SECRET, applicationKey: KEY, now: NOW }).code).toBe(
        "valid",
      );
    }
  });
});

describe("verify --batch", () => {
  it("gives one result per ticket line, a summary, and exit 8 when any fails", async () => {
    const signed = lines((await runCli(["sign", "--count", "3", "--endpoint-template", "u{n}"], { env })).stdout);
    const other = lines(
      (
        await runCli(["sign", "--count", "1", "--endpoint-template", "x{n}"], {
          env: { ...env, SINCH_APPLICATION_SECRET: OTHER_SECRET },
        })
      ).stdout,
    )[0];
    const input = [
      signed[0].userTicket,
      "",
      JSON.stringify({ userTicket: signed[1].userTicket }),
      other.userTicket,
      "garbage",
      `  "${signed[2].userTicket}"  `,
    ].join("\n");
    const r = await runCli(["verify", "--batch", "-"], { env, stdin: input });
    expect(r.code).toBe(8);
    expect(lines(r.stdout)).toEqual([
      { line: 1, valid: true, code: "valid", identity: { type: "username", endpoint: "u1" }, diagnosis: [] },
      { line: 3, valid: true, code: "valid", identity: { type: "username", endpoint: "u2" }, diagnosis: [] },
      { line: 4, valid: false, code: "bad_signature", identity: { type: "username", endpoint: "x1" }, diagnosis: [] },
      { line: 5, valid: false, code: "malformed", identity: null, diagnosis: [] },
      { line: 6, valid: true, code: "valid", identity: { type: "username", endpoint: "u3" }, diagnosis: [] },
    ]);
    expect(r.stderr).toContain("verified 5 tickets: 3 valid, 2 invalid (bad_signature: 1, malformed: 1)");
  });

  it("exits 0 when every ticket is valid, and applies the time options", async () => {
    const out = (
      await runCli(["sign", "--count", "2", "--endpoint-template", "u{n}", "--created", "-2h", "--expires-in", "1h"], {
        env,
      })
    ).stdout;
    expect((await runCli(["verify", "--batch", "-"], { env, stdin: out })).code).toBe(8);
    expect((await runCli(["verify", "--batch", "-", "--ignore-time"], { env, stdin: out })).code).toBe(0);
    expect((await runCli(["verify", "--batch", "-", "--now", "-90m"], { env, stdin: out })).code).toBe(0);
  });
});

describe("batch input and output, as scripts chain them", () => {
  it("verify --batch reads sign --output-format csv: the header is a header, each row's ticket is read", async () => {
    const csv = (
      await runCli(["sign", "--count", "3", "--endpoint-template", "u{n}", "--output-format", "csv"], { env })
    ).stdout;
    expect(csv.split("\n")[0]).toBe("type,endpoint,userTicket");
    const r = await runCli(["verify", "--batch", "-"], { env, stdin: csv });
    expect(r.stderr).toContain("verified 3 tickets: 3 valid, 0 invalid");
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => [l.line, l.code, l.identity.endpoint])).toEqual([
      [2, "valid", "u1"],
      [3, "valid", "u2"],
      [4, "valid", "u3"],
    ]);
  });

  it.each([["sign"], ["verify"]])("%s --batch of a directory exits 2 naming it", async (command) => {
    const dir = mkdtempSync(join(tmpdir(), "st-batch-dir-"));
    const r = await runCli([command as string, "--batch", dir], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: cannot read batch input ${dir}: it is a directory\n`);
    expect(r.stdout).toBe("");
  });

  it("verify --batch --quiet prints no lines: the summary on stderr and the exit code", async () => {
    const out = (await runCli(["sign", "--count", "2", "--endpoint-template", "u{n}"], { env })).stdout;
    const ok = await runCli(["verify", "--batch", "-", "--quiet"], { env, stdin: out });
    expect(ok).toMatchObject({ code: 0, stdout: "" });
    expect(ok.stderr).toMatch(/^note: verified 2 tickets: 2 valid, 0 invalid\n$/);
    const bad = await runCli(["verify", "--batch", "-", "--quiet"], { env, stdin: `${out}garbage\n` });
    expect(bad).toMatchObject({ code: 8, stdout: "" });
    expect(bad.stderr).toMatch(/^note: verified 3 tickets: 2 valid, 1 invalid \(malformed: 1\)\n$/);
  });
});
