import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTicket, decodeTicket, verifyTicket } from "../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { runCli, scriptedPrompter, stripAnsi } from "../helpers/io.js";
import { vectors } from "../helpers/vectors.js";

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

describe("credentials", () => {
  const dir = () => mkdtempSync(join(tmpdir(), "st-cred-"));
  const configWith = (d: string, profiles: Record<string, object>, defaultProfile?: string) => {
    const path = join(d, "config.json");
    writeFileSync(path, JSON.stringify({ ...(defaultProfile ? { defaultProfile } : {}), profiles }), { mode: 0o600 });
    return path;
  };
  const keyOf = (out: string) => decodeTicket(out.trim()).applicationKey;
  const signedWith = (out: string, secret: string) =>
    verifyTicket(out.trim(), { applicationSecret: secret, ignoreTime: true }).valid;

  it("takes each value from the first source that has it: flag, env, .env, config, demo", async () => {
    const d = dir();
    writeFileSync(join(d, ".env"), `SINCH_APPLICATION_KEY=from-dotenv\nSINCH_APPLICATION_SECRET=${OTHER_SECRET}\n`);
    const config = configWith(d, { default: { applicationKey: "from-config", applicationSecret: SECRET } });
    const base = { cwd: d, env: { SINCH_TICKET_CONFIG: config } as Record<string, string> };

    let r = await runCli(["sign", "a"], base);
    expect(keyOf(r.stdout)).toBe("from-dotenv");
    expect(signedWith(r.stdout, OTHER_SECRET)).toBe(true);

    r = await runCli(["sign", "a"], { ...base, env: { ...base.env, SINCH_APPLICATION_KEY: "from-env" } });
    expect(keyOf(r.stdout)).toBe("from-env");
    expect(signedWith(r.stdout, OTHER_SECRET)).toBe(true);

    r = await runCli(["sign", "a", "--key", "from-flag", "--secret-stdin"], { ...base, stdin: `${SECRET}\n` });
    expect(keyOf(r.stdout)).toBe("from-flag");
    expect(signedWith(r.stdout, SECRET)).toBe(true);

    r = await runCli(["sign", "a"], { cwd: "/", env: { SINCH_TICKET_CONFIG: config } });
    expect(keyOf(r.stdout)).toBe("from-config");

    r = await runCli(["sign", "a", "--demo"], { cwd: "/", env: { SINCH_TICKET_CONFIG: join(d, "missing.json") } });
    expect(keyOf(r.stdout)).toBe("demo-application-key");
    expect(r.stderr).toMatch(/demo credentials/);
  });

  it("never lets .env override the environment", async () => {
    const d = dir();
    writeFileSync(join(d, ".env"), "SINCH_APPLICATION_KEY=from-dotenv\n");
    const r = await runCli(["sign", "a"], { cwd: d, env });
    expect(keyOf(r.stdout)).toBe(KEY);
  });

  it("reads --dotenv, and fails plainly when it is missing", async () => {
    const d = dir();
    writeFileSync(
      join(d, "staging.env"),
      `SINCH_APPLICATION_KEY="quoted key"\nSINCH_APPLICATION_SECRET=${SECRET} # comment\n`,
    );
    const r = await runCli(["sign", "a", "--dotenv", join(d, "staging.env")], { cwd: "/" });
    expect(keyOf(r.stdout)).toBe("quoted key");
    const missing = await runCli(["sign", "a", "--dotenv", join(d, "nope.env")], { cwd: "/" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read env file .*nope.env \(ENOENT\)/);
  });

  it.each([
    [["sign", "--env-file", "/missing", "alice"]],
    [["sign", "alice", "--env-file=/missing"]],
    [["verify", "--env-file"]],
  ])("refuses --env-file, naming --dotenv: %j", async (argv) => {
    const r = await runCli(argv, { cwd: "/" });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--env-file is not accepted.*--dotenv <path>/);
  });

  it("chooses the profile by --profile, SINCH_PROFILE, defaultProfile, then default", async () => {
    const d = dir();
    const config = configWith(
      d,
      {
        default: { applicationKey: "k-default", applicationSecret: SECRET },
        staging: { applicationKey: "k-staging", applicationSecret: SECRET },
        prod: { applicationKey: "k-prod", applicationSecret: SECRET },
        flagged: { applicationKey: "k-flagged", applicationSecret: SECRET },
      },
      "staging",
    );
    const e = { SINCH_TICKET_CONFIG: config };
    expect(keyOf((await runCli(["sign", "a"], { env: e })).stdout)).toBe("k-staging");
    expect(keyOf((await runCli(["sign", "a"], { env: { ...e, SINCH_PROFILE: "prod" } })).stdout)).toBe("k-prod");
    expect(
      keyOf((await runCli(["sign", "a", "--profile", "flagged"], { env: { ...e, SINCH_PROFILE: "prod" } })).stdout),
    ).toBe("k-flagged");
    const missing = await runCli(["sign", "a", "--profile", "nope"], { env: e });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no profile 'nope' in config file/);
  });

  it("finds the config file through XDG_CONFIG_HOME and HOME", async () => {
    const home = dir();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(home, ".config", "sinch-ticket"), { recursive: true });
    writeFileSync(
      join(home, ".config", "sinch-ticket", "config.json"),
      JSON.stringify({ profiles: { default: { applicationKey: "k-home", applicationSecret: SECRET } } }),
      { mode: 0o600 },
    );
    expect(keyOf((await runCli(["sign", "a"], { home })).stdout)).toBe("k-home");
    const xdg = dir();
    mkdirSync(join(xdg, "sinch-ticket"));
    writeFileSync(
      join(xdg, "sinch-ticket", "config.json"),
      JSON.stringify({ profiles: { default: { applicationKey: "k-xdg", applicationSecret: SECRET } } }),
      { mode: 0o600 },
    );
    expect(keyOf((await runCli(["sign", "a"], { home, env: { XDG_CONFIG_HOME: xdg } })).stdout)).toBe("k-xdg");
  });

  it("names the file and position of a corrupt config, without quoting it", async () => {
    const d = dir();
    const path = join(d, "config.json");
    const text = `{"profiles": {"default": {"applicationSecret": "${SECRET}",}}}`;
    writeFileSync(path, text, { mode: 0o600 });
    const column = text.indexOf(",}") + 2;
    const r = await runCli(["sign", "a"], { env: { SINCH_TICKET_CONFIG: path } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: config file ${path}: not valid JSON at line 1, column ${column}: expected a property name in double quotes, found '}'\n`,
    );
  });

  it("warns when the config file is readable by others", async () => {
    const d = dir();
    const path = configWith(d, { default: { applicationKey: "k", applicationSecret: SECRET } });
    const { chmodSync } = await import("node:fs");
    chmodSync(path, 0o644);
    const r = await runCli(["sign", "a"], { env: { SINCH_TICKET_CONFIG: path } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`chmod 600 ${path}`);
  });

  it.each([
    [["sign", "a", "--secret", SECRET], /--secret is not accepted/],
    [["sign", "a", `--secret=${SECRET}`], /--secret is not accepted/],
    [["verify", "x", "--secret", SECRET], /--secret is not accepted/],
    [["sign", "a", `--app-secret=${SECRET}`], /unknown option '--app-secret' \(see 'sinch-ticket sign --help'\)$/m],
  ])("refuses the secret on the command line and never echoes it: %j", async (argv, message) => {
    const r = await runCli(argv, { env: { SINCH_APPLICATION_KEY: KEY } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/--secret-file|--help/);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
  });

  it("refuses a secret that is not base64 without printing it", async () => {
    const secret = "this is not base64!";
    const r = await runCli(["sign", "a"], { env: { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: secret } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secret from SINCH_APPLICATION_SECRET is not standard base64/);
    expect(r.stderr).not.toContain("this is");
  });

  it.each([
    [`${SECRET} `, "a trailing space"],
    [`${SECRET}\t`, "a trailing tab"],
    [` ${SECRET}`, "a leading space"],
    [`${SECRET}\n\n`, "a trailing line break"],
    [`${SECRET.slice(0, 8)} ${SECRET.slice(8)}`, "a space at position 9"],
  ])("names whitespace around or in a secret file plainly: %j", async (content, words) => {
    const d = dir();
    writeFileSync(join(d, "secret"), content);
    const r = await runCli(["sign", "a", "--key", KEY, "--secret-file", join(d, "secret")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`is not standard base64 of at least one byte: it contains ${words}`);
    expect(r.stderr).not.toContain(SECRET.slice(0, 8));
  });

  it("says what to do when nothing provides a key or secret", async () => {
    const noSecret = await runCli(["sign", "a"], { env: { SINCH_APPLICATION_KEY: KEY } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/no application secret: use --secret-file/);
    const noKey = await runCli(["sign", "a"], { env: { SINCH_APPLICATION_SECRET: SECRET } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/no application key/);
  });
});

describe("help of decode and verify", () => {
  it.each([
    ["decode", ["0", "2", "6"]],
    ["verify", ["0", "2", "3", "4", "5", "6", "7", "8"]],
  ])("%s --help says what may be pasted and lists the exit codes", async (command, codes) => {
    const r = await runCli([command as string, "--help"]);
    expect(r.code).toBe(0);
    const help = stripAnsi(r.stdout);
    for (const form of ["a URL", "curl", "HTTP request", "JSON", "log line"]) expect(help).toContain(form);
    const table = help.slice(help.indexOf("Exit codes:"));
    expect(help).toContain("Exit codes:");
    for (const code of codes as string[]) expect(table).toMatch(new RegExp(`^  ${code} {2,}\\S`, "m"));
  });
});

describe("decode", () => {
  const v = vectors.userTickets[0]!;

  it("shows the ticket and says it checked nothing", async () => {
    const r = await runCli(["decode", v.userTicket]);
    expect(r.code).toBe(0);
    const out = stripAnsi(r.stdout);
    expect(out).toContain('identity     username "buildo"');
    expect(out).toContain("application  YOUR_APPLICATION_KEY (field 'applicationKey')");
    expect(out).toContain("created      2016-05-26T15:18:14.762Z (10 years 187 days ago)");
    expect(out).toContain("layout       js (Sinch's JS SDK generator)");
    expect(out).toContain(`json         ${v.json}`);
    expect(r.stderr).toContain("decode does not check the signature");
  });

  it("prints the contract's JSON and reads stdin", async () => {
    const r = await runCli(["decode", "--json"], { stdin: `{"userTicket": "${v.userTicket}"}\n` });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      "format",
      "payload",
      "json",
      "signature",
      "style",
      "created",
      "expiresAt",
      "notes",
      "warnings",
    ]);
    expect(out).toMatchObject({
      format: "ticket",
      json: v.json,
      style: "js",
      created: v.created,
      expiresAt: "2016-05-27T15:18:14.762Z",
    });
    expect(out.notes).toEqual(["took the userTicket field of a JSON object"]);
  });

  it.each([
    ["garbage", /malformed ticket: no ':' separator/],
    [vectors.malformedOrWrong[4]!.userTicket, /malformed ticket: ticket data is not JSON: it starts with "hello"/],
  ])("exits 6 for %j", async (input, message) => {
    const r = await runCli(["decode", input]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("needs a ticket from somewhere", async () => {
    const r = await runCli(["decode"], { stdinIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing ticket/);
  });
});

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
    expect(out).toContain("- expiry          skipped: no expiresIn in the ticket and no --max-age");
  });

  it("reads the ticket from stdin, and refuses stdin twice", async () => {
    expect((await runCli(["verify", "-"], { env, stdin: `${ticket()}\n` })).code).toBe(0);
    const both = await runCli(["verify", "--secret-stdin", "--key", KEY], { stdin: SECRET });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/already used for the secret/);
  });

  it("needs a secret", async () => {
    const r = await runCli(["verify", ticket()], { env: { SINCH_APPLICATION_KEY: KEY } });
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

describe("help and version", () => {
  it("prints help on stdout and exits 0", async () => {
    for (const argv of [[], ["--help"], ["sign", "--help"]]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: sinch-ticket/);
    }
    const topic = await runCli(["help", "config", "init"]);
    expect(topic.stdout).toMatch(/^Usage: sinch-ticket config init/);
    const unknown = await runCli(["help", "nonsense"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no help for 'nonsense': the commands are sign, decode, verify, config/);
    const v = await runCli(["--version"]);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe("verify explains a rejected ticket", () => {
  it("shows the cause under the failed check, and in --json", async () => {
    const { ticketWithMistake } = await import("../helpers/mistakes.js");
    const t = ticketWithMistake("plus-as-space", KEY, SECRET, OTHER_SECRET);
    const human = await runCli(["verify", t], { env });
    expect(human.code).toBe(6);
    const lines = stripAnsi(human.stdout).split("\n");
    const format = lines.findIndex((l) => l.includes("✗ format"));
    expect(lines[format + 1]).toMatch(/^ {6}cause \(plus-as-space\): the ticket has \d+ spaces? where '\+' should be/);
    const json = JSON.parse((await runCli(["verify", "--json", t], { env })).stdout);
    expect(json.code).toBe("malformed");
    expect(json.diagnosis).toEqual([{ mistake: "plus-as-space", detail: expect.stringMatching(/URL form decoding/) }]);
  });

  it("says plainly when no known mistake explains the failure", async () => {
    const t = ticket({ applicationSecret: OTHER_SECRET });
    const r = await runCli(["verify", t], { env });
    expect(stripAnsi(r.stdout)).toContain("no known mistake explains this failure");
    expect(JSON.parse((await runCli(["verify", "--json", t], { env })).stdout).diagnosis).toEqual([]);
  });
});
