/** `request sign` and `request verify` in-process: output forms, checks, exit codes, bad input, secrets. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createTicket, signApplicationRequest, webhookSignature } from "../../../src/index.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const BODY = '{"identity":{"type":"number","endpoint":"+46700000000"},"method":"sms"}';
const TS = NOW.toISOString();

function signed(
  options: { body?: string; timestamp?: string; secret?: string; contentType?: string; key?: string } = {},
) {
  return signApplicationRequest({
    applicationKey: options.key ?? KEY,
    applicationSecret: options.secret ?? SECRET,
    method: "POST",
    resource: "/verification/v1/verifications",
    body: options.body ?? BODY,
    contentType: options.contentType ?? "application/json",
    timestamp: options.timestamp ?? TS,
  });
}

function raw(s: ReturnType<typeof signed>, body = BODY, contentType = s.contentType): string {
  return `POST ${s.path} HTTP/1.1\r\nHost: verification.api.sinch.com\r\nContent-Type: ${contentType}\r\nx-timestamp: ${s.timestamp}\r\nAuthorization: ${s.authorization}\r\n\r\n${body}`;
}

describe("request sign", () => {
  it("prints the two header lines; --json says what was signed; --curl makes a request that verifies", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-req-"));
    writeFileSync(join(dir, "body.json"), BODY);
    const url = "https://verification.api.sinch.com/verification/v1/verifications";
    const lines = await runCli(["request", "sign", "post", url, "--body-file", "body.json"], { env, cwd: dir });
    const expected = signed();
    expect(lines).toEqual({
      code: 0,
      stderr: "",
      stdout: `x-timestamp: ${TS}\nAuthorization: ${expected.authorization}\n`,
    });

    const json = await runCli(["request", "sign", "POST", url, "--body-file", "-", "--json"], { env, stdin: BODY });
    expect(JSON.parse(json.stdout)).toEqual({
      method: "POST",
      path: "/verification/v1/verifications",
      contentType: "application/json",
      contentMd5: expected.contentMd5,
      timestamp: TS,
      stringToSign: expected.stringToSign,
      authorization: expected.authorization,
    });

    const curl = await runCli(["request", "sign", "POST", url, "--body-file", "-", "--curl"], { env, stdin: BODY });
    expect(curl.stdout).toMatch(
      /^curl -X POST --path-as-is https:\/\/verification\.api\.sinch\.com\/verification\/v1\/verifications -H 'Content-Type: application\/json' -H 'x-timestamp: [^']+' -H 'Authorization: Application [^']+' --data-binary '\{"identity"/,
    );
    const back = await runCli(["request", "verify", curl.stdout.trim()], { env });
    expect(back.stdout).toContain("✓ valid (application-signed request)");
    expect(back.code).toBe(0);
  });

  it("signs no body with an empty Content-MD5 and Content-Type; an absolute --timestamp exactly as written", async () => {
    const r = await runCli(
      [
        "request",
        "sign",
        "GET",
        "/calling/v1/calls/id/1?x=1",
        "--timestamp",
        "2023-12-01T15:01:20.0406449+00:00",
        "--json",
      ],
      { env },
    );
    const out = JSON.parse(r.stdout);
    expect(out.stringToSign).toBe("GET\n\n\nx-timestamp:2023-12-01T15:01:20.0406449+00:00\n/calling/v1/calls/id/1");
    const withQuery = await runCli(
      ["request", "sign", "GET", "/calling/v1/calls/id/1?x=1", "--with-query", "--timestamp", "-2m", "--json"],
      { env },
    );
    expect(JSON.parse(withQuery.stdout)).toMatchObject({
      path: "/calling/v1/calls/id/1?x=1",
      timestamp: "2026-11-28T11:58:00.000Z",
    });
  });

  it("signs the path exactly as written: dot segments and escapes kept", async () => {
    const r = await runCli(["request", "sign", "GET", "https://x.example/./a/../b%2f?q", "--json"], { env });
    expect(JSON.parse(r.stdout).path).toBe("/./a/../b%2f");
    const curl = await runCli(["request", "sign", "GET", "https://x.example/./a", "--curl"], { env });
    const back = await runCli(["request", "verify", curl.stdout.trim()], { env });
    expect(back.code).toBe(0);
  });

  it("a secret that is not strict base64 signs as Node and Java read it, with a warning", async () => {
    const r = await runCli(["request", "sign", "POST", "/VerificationRequestEvent", "--json"], {
      env: { SINCH_APPLICATION_KEY: "789", SINCH_APPLICATION_SECRET: "9876543210" },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: lenient-secret: /);
    expect(r.stderr).not.toContain("9876543210");
  });

  it("refuses bad arguments with exit 2 and one line", async () => {
    for (const [args, message] of [
      [["request", "sign", "P0ST", "/x"], "is not an HTTP method"],
      [["request", "sign", "GET", "x"], "neither a URL"],
      [["request", "sign", "GET", "/x", "--curl"], "--curl needs the full URL"],
      [["request", "sign", "GET", "/x", "--timestamp", "2023-01-01T00:00:00"], "no time zone"],
    ] as const) {
      const r = await runCli([...args], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    const binary = await runCli(["request", "sign", "POST", "https://x.example/a", "--body-file", "-", "--curl"], {
      env,
      stdin: Buffer.from([0x00, 0xff, 0x10, 0x80]),
    });
    expect(binary.code).toBe(2);
    expect(binary.stderr).toContain("a binary body on standard input cannot go in a curl command");
    const none = await runCli(["request", "sign", "GET", "/x"], { env: { SINCH_APPLICATION_KEY: KEY } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("SINCH_APPLICATION_SECRET is not in the environment");
  });
});

describe("request verify", () => {
  it("accepts a signed request, and a binary body signed over its exact bytes", async () => {
    expect((await runCli(["request", "verify", raw(signed())], { env })).code).toBe(0);
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x80, 0x41]);
    const s = signApplicationRequest({
      applicationKey: KEY,
      applicationSecret: SECRET,
      method: "POST",
      resource: "/upload",
      body: bytes,
      contentType: "application/octet-stream",
      timestamp: TS,
    });
    const head = `POST /upload HTTP/1.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes.length}\r\nx-timestamp: ${TS}\r\nAuthorization: ${s.authorization}\r\n\r\n`;
    const r = await runCli(["request", "verify", "--json"], {
      env,
      stdin: Buffer.concat([Buffer.from(head), bytes, Buffer.from("\n")]),
    });
    expect(JSON.parse(r.stdout).code).toBe("valid");
    expect(r.code).toBe(0);
  });

  it("shows the string to sign line by line with invisible characters, and the mistake found", async () => {
    const s = signed({ contentType: "application/json" });
    const r = await runCli(["request", "verify", raw(s, BODY, "application/json;\u00a0charset=utf-8\u200b")], { env });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("✗ bad signature (application-signed request)");
    expect(r.stdout).toContain("  3  Content-Type  application/json;⍽charset=utf-8\\u200b");
    expect(r.stdout).toContain("  5  resource      /verification/v1/verifications");
    const json = JSON.parse(
      (await runCli(["request", "verify", "--json", raw(s, BODY, "application/json; charset=utf-8")], { env })).stdout,
    );
    expect(json.diagnosis.map((d: { mistake: string }) => d.mistake)).toEqual(["content-type-differs"]);
    expect(Object.keys(json)).toEqual([
      "valid",
      "code",
      "scheme",
      "checks",
      "stringToSign",
      "notes",
      "warnings",
      "diagnosis",
    ]);
    expect(json.checks.map((c: { name: string }) => c.name)).toEqual([
      "format",
      "applicationKey",
      "signature",
      "timestamp",
    ]);
  });

  it("exit codes: 7 key mismatch, 4 signed too long ago, 5 in the future, within --max-skew valid", async () => {
    const other = await runCli(["request", "verify", raw(signed({ key: "another-key" }))], { env });
    expect(other.code).toBe(7);
    const old = raw(signed({ timestamp: "2026-11-28T11:40:00.000Z" }));
    expect((await runCli(["request", "verify", old], { env })).code).toBe(4);
    expect((await runCli(["request", "verify", "--max-skew", "30m", old], { env })).code).toBe(0);
    expect((await runCli(["request", "verify", "--ignore-time", old], { env })).code).toBe(0);
    const ahead = raw(signed({ timestamp: "2026-11-28T12:20:00.000Z" }));
    const r = await runCli(["request", "verify", ahead], { env });
    expect(r.code).toBe(5);
    expect(r.stdout).toContain("in the future");
  });

  it("malformed input: exit 6 with what is wrong, and a JSON document with --json", async () => {
    for (const [text, message] of [
      ["POST /x HTTP/1.1\nContent-Type: application/json\n\n{}", "no signature header"],
      [
        "POST /x HTTP/1.1\nAuthorization: Application only-a-key\nx-timestamp: 2026-11-28T12:00:00Z\n\n{}",
        "is not `Application <key>:<signature>`",
      ],
      [
        "POST /x HTTP/1.1\nAuthorization: Application k:not-base64\nx-timestamp: 2026-11-28T12:00:00Z\n\n{}",
        "not base64 of 32 bytes",
      ],
      ["POST /x HTTP/1.1\nAuthorization: Bearer abc\n\n{}", "is not Application, User or Basic"],
      ["hello there", "not an HTTP request or a curl command"],
      ["curl -d @- https://x.example/a", "reads its body from standard input"],
    ] as const) {
      const r = await runCli(["request", "verify", text], { env });
      expect(r.code, text).toBe(6);
      expect(r.stdout).toContain(message);
      const json = await runCli(["request", "verify", "--json", text], { env });
      expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, code: "malformed" });
    }
  });

  it("refuses a file a curl command sends when it is larger than 1 MB (exit 2, naming it), a 2 MB file or /dev/zero", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-req-"));
    writeFileSync(join(dir, "big.bin"), Buffer.alloc(2 * 1024 * 1024, 0x61));
    writeFileSync(join(dir, "half.bin"), Buffer.alloc(600 * 1024, 0x61));
    const auth = "-H 'x-timestamp: 2026-11-28T12:00:00Z' -H 'Authorization: Application k:c2ln'";
    for (const [data, file] of [
      ["-d @big.bin", "big.bin"],
      ["--data-binary @big.bin", "big.bin"],
      ["--data-urlencode name@big.bin", "big.bin"],
      ["--data-binary @/dev/zero", "/dev/zero"],
      ["-d @/dev/zero", "/dev/zero"],
    ] as const) {
      const r = await runCli(["request", "verify", `curl ${auth} ${data} https://x.example/y`], { env, cwd: dir });
      expect(r.code, data).toBe(2);
      expect(r.stdout, data).toBe("");
      expect(r.stderr, data).toBe(
        `error: ${file}, the file the curl command sends, is larger than 1 MB: at most 1048576 bytes are read\n`,
      );
    }
    // Two files under the limit each, over it together: the request is over 1 MB.
    const two = await runCli(
      ["request", "verify", `curl ${auth} --data-binary @half.bin --data-binary @half.bin https://x.example/y`],
      { env, cwd: dir },
    );
    expect(two.code).toBe(2);
    expect(two.stderr).toBe(
      "error: half.bin, the file the curl command sends, is larger than 1 MB with the files before it: at most 1048576 bytes are read\n",
    );
  }, 60_000);

  it("refuses a --body-file larger than 1 MB, one that never ends (/dev/zero) or a directory (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-req-"));
    writeFileSync(join(dir, "big.bin"), Buffer.alloc(2 * 1024 * 1024, 0x61));
    for (const [file, problem] of [
      ["big.bin", "is larger than 1 MB: at most 1048576 bytes are read"],
      ["/dev/zero", "is larger than 1 MB: at most 1048576 bytes are read"],
      [".", "is a directory"],
    ] as const) {
      const r = await runCli(["request", "sign", "post", "https://x.example/y", "--body-file", file], {
        env,
        cwd: dir,
      });
      expect(r.code, file).toBe(2);
      expect(r.stdout, file).toBe("");
      expect(r.stderr, file).toBe(`error: --body-file ${file} ${problem}\n`);
    }
  }, 60_000);

  it("refuses a request larger than 1 MB (exit 2), and an empty standard input", async () => {
    const big = `POST /x HTTP/1.1\nContent-Type: text/plain\n\n${"a".repeat(1024 * 1024)}`;
    const r = await runCli(["request", "verify"], { env, stdin: big });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: the request on standard input is larger than 1 MB: at most 1048576 bytes are read\n");
    expect((await runCli(["request", "verify"], { env, stdin: "\n" })).code).toBe(2);
  });

  it("no application secret for an application-signed request: exit 2, naming where it may come from", async () => {
    const r = await runCli(["request", "verify", raw(signed())]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: no application secret: use --secret-file <path>/);
  });

  it("verifies Authorization: User <ticket> as verify does", async () => {
    const ticket = createTicket({
      applicationKey: KEY,
      applicationSecret: SECRET,
      identity: { endpoint: "alice" },
      now: NOW,
    });
    const text = `POST /v1/instance HTTP/1.1\nAuthorization: user ${ticket.userTicket}\n\n`;
    const r = await runCli(["request", "verify", "--json", text], { env });
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, scheme: "user", stringToSign: null });
    const bad = await runCli(["request", "verify", "--json", text], {
      env: { ...env, SINCH_APPLICATION_SECRET: OTHER_SECRET },
    });
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout).checks.map((c: { name: string }) => c.name)).toEqual([
      "format",
      "applicationKey",
      "signature",
      "created",
      "expiry",
    ]);
  });

  it("a User ticket's time checks take --max-skew and --ignore-time, as a signed request's do", async () => {
    const userRequest = (created: string, expiresIn?: number) => {
      const { userTicket } = createTicket({
        applicationKey: KEY,
        applicationSecret: SECRET,
        identity: { endpoint: "alice" },
        created,
        now: NOW,
        ...(expiresIn !== undefined ? { expiresIn } : {}),
      });
      return `POST /v1/instance HTTP/1.1\nAuthorization: User ${userTicket}\n\n`;
    };
    const verify = async (text: string, ...flags: string[]) => {
      const r = await runCli(["request", "verify", "--json", ...flags, text], { env });
      return { code: r.code, json: JSON.parse(r.stdout) };
    };
    const check = (json: { checks: { name: string; ok: boolean | null }[] }, name: string) =>
      json.checks.find((c) => c.name === name)?.ok;

    // Made 10 minutes ahead: within the request default of 15 minutes, not within 5.
    const ahead = userRequest("+10m");
    expect((await verify(ahead)).code).toBe(0);
    const strict = await verify(ahead, "--max-skew", "5m");
    expect(strict.code).toBe(5);
    expect(strict.json.code).toBe("not_yet_valid");
    expect(check(strict.json, "created")).toBe(false);
    expect((await verify(ahead, "--max-skew", "11m")).code).toBe(0);

    // Expired 40 minutes ago: refused by the default 15 minutes, accepted by a wider skew.
    const old = userRequest("-100m", 3600);
    const expired = await verify(old);
    expect(expired.code).toBe(4);
    expect(check(expired.json, "expiry")).toBe(false);
    const wide = await verify(old, "--max-skew", "1h");
    expect(wide.code).toBe(0);
    expect(check(wide.json, "expiry")).toBe(true);

    const ignored = await verify(old, "--ignore-time", "--max-skew", "1s");
    expect(ignored.code).toBe(0);
    expect(check(ignored.json, "created")).toBeNull();
    expect(check(ignored.json, "expiry")).toBeNull();
  });

  it("picks the profile whose key signed the request, when nothing else names the credentials", async () => {
    const home = mkdtempSync(join(tmpdir(), "st-home-"));
    mkdirSync(join(home, ".config", "sinch-ticket"), { recursive: true });
    writeFileSync(
      join(home, ".config", "sinch-ticket", "config.json"),
      JSON.stringify({
        defaultProfile: "a",
        profiles: {
          a: { applicationKey: "other", applicationSecret: OTHER_SECRET },
          b: { applicationKey: KEY, applicationSecret: SECRET },
        },
      }),
      { mode: 0o600 },
    );
    const r = await runCli(["request", "verify", raw(signed())], { home });
    expect(r.stderr).toContain("using profile 'b'");
    expect(r.code).toBe(0);
  });
});

describe("webhook secret: flag file, environment, .env, profile; never shown", () => {
  const SECRET_TEXT = "wh-s3cret-value";
  const body = '{"type":"recipient_delivery_report_sms","status":"Delivered"}';
  const ts = String(Math.floor(NOW.getTime() / 1000));
  const text = `POST /sms HTTP/1.1\nContent-Type: application/json\nx-sinch-webhook-signature: ${webhookSignature(SECRET_TEXT, body, "N1", ts)}\nx-sinch-webhook-signature-nonce: N1\nx-sinch-webhook-signature-timestamp: ${ts}\nx-sinch-webhook-signature-algorithm: HmacSHA256\n\n${body}`;

  it("reads it from each source in turn", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-wh-"));
    writeFileSync(join(dir, "secret.txt"), `${SECRET_TEXT}\n`);
    const fromFile = await runCli(["request", "verify", "--webhook-secret-file", "secret.txt", text], { cwd: dir });
    expect(fromFile.code).toBe(0);
    expect((await runCli(["request", "verify", text], { env: { SINCH_WEBHOOK_SECRET: SECRET_TEXT } })).code).toBe(0);
    const dotenv = mkdtempSync(join(tmpdir(), "st-wh-"));
    writeFileSync(join(dotenv, ".env"), `SINCH_WEBHOOK_SECRET=${SECRET_TEXT}\n`);
    expect((await runCli(["request", "verify", text], { cwd: dotenv })).code).toBe(0);
    const home = mkdtempSync(join(tmpdir(), "st-home-"));
    mkdirSync(join(home, ".config", "sinch-ticket"), { recursive: true });
    writeFileSync(
      join(home, ".config", "sinch-ticket", "config.json"),
      JSON.stringify({ profiles: { default: { webhookSecret: SECRET_TEXT } } }),
      { mode: 0o600 },
    );
    const fromProfile = await runCli(["request", "verify", "--json", text], { home });
    expect(fromProfile.code).toBe(0);
    for (const r of [fromFile, fromProfile]) expect(r.stdout + r.stderr).not.toContain(SECRET_TEXT);
  });

  it("config init --force replacing a profile's application credentials keeps its webhook secret", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "st-wh-")), "config.json");
    writeFileSync(
      path,
      JSON.stringify({
        profiles: { default: { applicationKey: "k1", applicationSecret: SECRET, webhookSecret: SECRET_TEXT } },
      }),
      { mode: 0o600 },
    );
    const r = await runCli(["config", "init", "--force", "--store", "file", "--key", "k2", "--secret-stdin"], {
      env: { SINCH_TICKET_CONFIG: path },
      stdin: OTHER_SECRET,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path, "utf8")).profiles.default).toEqual({
      applicationKey: "k2",
      applicationSecret: OTHER_SECRET,
      webhookSecret: SECRET_TEXT,
    });
    expect((await runCli(["request", "verify", text], { env: { SINCH_TICKET_CONFIG: path } })).code).toBe(0);
  });

  it("a wrong one fails with exit 3 and shows no secret; none at all is exit 2", async () => {
    const r = await runCli(["request", "verify", text], { env: { SINCH_WEBHOOK_SECRET: "wrong-secret" } });
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).not.toContain("wrong-secret");
    const none = await runCli(["request", "verify", text], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      "error: no webhook secret: use --webhook-secret-file <path>, SINCH_WEBHOOK_SECRET, a .env file, or a profile's webhookSecret\n",
    );
    const send = await runCli(["callback", "send", "numbers-event", "--url", "http://127.0.0.1:9/x"], { env });
    expect(send.code).toBe(2);
    expect(send.stderr).toContain("no webhook secret");
  });
});

describe("request verify: Authorization: Basic", () => {
  const base64 = Buffer.from(`${KEY}:${SECRET}`).toString("base64");
  const request = (value: string) =>
    `POST /verification/v1/verifications HTTP/1.1\r\nHost: verification.api.sinch.com\r\nContent-Type: application/json\r\nAuthorization: Basic ${value}\r\n\r\n${BODY}`;

  it("accepts HTTP Basic base64(key:secret) and the plain key:secret of Sinch's Node SDK, with a warning", async () => {
    for (const [value, form] of [
      [base64, "base64(key:secret)"],
      [`${KEY}:${SECRET}`, "plain text"],
    ] as const) {
      const r = await runCli(["request", "verify", "--json", request(value)], { env });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({ valid: true, code: "valid", scheme: "basic", stringToSign: null, diagnosis: [] });
      expect(out.checks.find((c: { name: string }) => c.name === "format").detail).toContain(form);
      expect(out.warnings.join("\n")).toContain("sends the application secret itself on every request");
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain(base64);
    }
  });

  it("a wrong key is key_mismatch (7), a wrong secret bad_signature (3); the header's value is never shown", async () => {
    const wrongKey = `other-key:${SECRET}`;
    const key = await runCli(["request", "verify", request(wrongKey)], { env });
    expect(key.code).toBe(7);
    expect(key.stdout + key.stderr).not.toContain("other-key");
    expect(key.stdout + key.stderr).not.toContain(SECRET);
    for (const value of [`${KEY}:${OTHER_SECRET}`, Buffer.from(`${KEY}:${OTHER_SECRET}`).toString("base64")]) {
      for (const argv of [
        ["request", "verify", request(value)],
        ["request", "verify", "--json", request(value)],
      ]) {
        const r = await runCli(argv, { env });
        expect(r.code).toBe(3);
        expect(r.stdout + r.stderr).not.toContain(OTHER_SECRET);
        expect(r.stdout + r.stderr).not.toContain(value);
      }
    }
    const human = await runCli(["request", "verify", request(`${KEY}:${OTHER_SECRET}`)], { env });
    expect(human.stdout).toContain("not the application secret");
  });

  it("an unreadable Basic value is malformed (6), shown nowhere", async () => {
    const r = await runCli(["request", "verify", request("bm90LWEtcGFpcg==")], { env });
    expect(r.code).toBe(6);
    expect(r.stdout + r.stderr).not.toContain("bm90LWEtcGFpcg==");
  });

  it("picks the profile by the Basic key, as for an application-signed request", async () => {
    const home = mkdtempSync(join(tmpdir(), "st-home-"));
    mkdirSync(join(home, ".config", "sinch-ticket"), { recursive: true });
    writeFileSync(
      join(home, ".config", "sinch-ticket", "config.json"),
      JSON.stringify({
        defaultProfile: "a",
        profiles: {
          a: { applicationKey: "other", applicationSecret: OTHER_SECRET },
          b: { applicationKey: KEY, applicationSecret: SECRET },
        },
      }),
      { mode: 0o600 },
    );
    const r = await runCli(["request", "verify", request(base64)], { home });
    expect(r.stderr).toContain("using profile 'b'");
    expect(r.code).toBe(0);
  });

  it("callback replay refuses it: there is no signature to make again", async () => {
    const r = await runCli(["callback", "replay", "-", "--print"], { env, stdin: request(base64) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the capture carries Authorization: Basic/);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stdout + r.stderr).not.toContain(base64);
  });
});

describe("request verify: a webhook without x-sinch-webhook-signature-algorithm", () => {
  it("is valid; the format check names only the headers there, with a note on Java's SDK", async () => {
    const secret = "wh-s3cret-value";
    const body = '{"message":"hi"}';
    const ts = String(Math.floor(NOW.getTime() / 1000));
    const text = `POST /conversation HTTP/1.1\nContent-Type: application/json\nx-sinch-webhook-signature: ${webhookSignature(secret, body, "N1", ts)}\nx-sinch-webhook-signature-nonce: N1\nx-sinch-webhook-signature-timestamp: ${ts}\n\n${body}`;
    const r = await runCli(["request", "verify", "--json", text], { env: { SINCH_WEBHOOK_SECRET: secret } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const format = out.checks.find((c: { name: string }) => c.name === "format").detail;
    expect(format).toBe("x-sinch-webhook-signature with its nonce and timestamp");
    expect(format).not.toContain("algorithm");
    expect(out.notes.join("\n")).toContain("Sinch's Java SDK refuses a webhook without it");
    const withHeader = text.replace("\n\n", "\nx-sinch-webhook-signature-algorithm: HmacSHA256\n\n");
    const full = JSON.parse(
      (await runCli(["request", "verify", "--json", withHeader], { env: { SINCH_WEBHOOK_SECRET: secret } })).stdout,
    );
    expect(full.checks[0].detail).toBe("x-sinch-webhook-signature with its nonce, timestamp and algorithm");
    expect(full.notes).toEqual([]);
  });
});
