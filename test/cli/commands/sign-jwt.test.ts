import { describe, expect, it } from "vitest";
import { createRegistrationToken, decodeRegistrationToken } from "../../../src/index.js";
import { runCli, stripAnsi } from "../../helpers/io.js";
import { vectors } from "../../helpers/vectors.js";

const v = vectors.registrationTokens[1]!;
const env = { SINCH_APPLICATION_KEY: v.applicationKey, SINCH_APPLICATION_SECRET: v.applicationSecret };
const now = new Date(v.now);

describe("sign --format jwt", () => {
  it("reproduces Sinch's reference token byte for byte", async () => {
    const r = await runCli(
      [
        "sign",
        "--format",
        "jwt",
        "foo",
        "--now",
        v.now,
        "--nonce",
        v.nonce,
        "--ttl",
        "10m",
        "--instance-expires-in",
        "180d",
      ],
      { env },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${v.token}\n`);
    expect(r.stderr).toBe("");
  });

  it("prints the contract's JSON", async () => {
    const r = await runCli(["sign", "--format", "jwt", "foo", "--json"], { env, now });
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["token", "format", "header", "claims", "expiresAt"]);
    expect(out).toMatchObject({
      format: "jwt",
      header: { alg: "HS256", kid: "hkdfv1-20180102" },
      expiresAt: "2018-01-02T03:14:05.000Z",
    });
    expect(out.claims.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeRegistrationToken(out.token).userId).toBe("foo");
  });

  it.each([
    [["sign", "--format", "jwt", "foo", "--ttl", "59"], /--ttl must be at least 60s/],
    [["sign", "--format", "jwt", "foo", "--instance-expires-in", "47h"], /at least 48h/],
    [["sign", "--format", "jwt", "foo", "--created", "-1h"], /--created is for user tickets/],
    [["sign", "alice", "--ttl", "1h"], /--ttl goes with --format jwt/],
    [["sign", "--format", "jwt"], /missing user id/],
    [["sign", "--format", "jwt", "foo", "--now", "2018-01-02T03:04:05"], /no time zone/],
  ])("refuses %j", async (argv, message) => {
    const r = await runCli(argv, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe("decode and verify recognise tokens", () => {
  it("decodes a token with the contract's JSON shape", async () => {
    const r = await runCli(["decode", "--json", v.token], { now });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      "format",
      "header",
      "claims",
      "json",
      "signature",
      "created",
      "expiresAt",
      "notes",
      "warnings",
    ]);
    expect(out).toMatchObject({
      format: "jwt",
      header: { alg: "HS256", kid: "hkdfv1-20180102" },
      created: "2018-01-02T03:04:05Z",
      expiresAt: "2018-01-02T03:14:05Z",
    });
    expect(out.style).toBeUndefined();
    expect(out.payload).toBeUndefined();
  });

  it("shows a human view", async () => {
    const r = await runCli(["decode", v.token], { now });
    const out = stripAnsi(r.stdout);
    expect(out).toMatch(/^Registration token \(JWT\)/);
    expect(out).toContain('user         "foo"');
    expect(out).toContain("instance     2018-07-01T03:04:05Z (sinch:rtc:instance:exp)");
  });

  it("verifies with the documented exit codes", async () => {
    const t = v.token;
    expect((await runCli(["verify", t], { env, now })).code).toBe(0);
    expect((await runCli(["verify", t], { env, now: new Date("2018-01-02T04:00:00Z") })).code).toBe(4);
    expect((await runCli(["verify", t], { env, now: new Date("2018-01-02T02:00:00Z") })).code).toBe(5);
    expect(
      (await runCli(["verify", t], { env: { ...env, SINCH_APPLICATION_SECRET: "JViE5vDor0Sw3WllZka15Q==" }, now }))
        .code,
    ).toBe(3);
    expect((await runCli(["verify", t], { env: { ...env, SINCH_APPLICATION_KEY: "other" }, now })).code).toBe(7);
    const [, claims, sig] = t.split(".");
    const none = `${Buffer.from('{"alg":"none","kid":"hkdfv1-20180102"}').toString("base64url")}.${claims}.${sig}`;
    const r = await runCli(["verify", "--json", none], { env, now });
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, code: "malformed", format: "jwt" });
  });

  it("prints the verify JSON with header and claims", async () => {
    const out = JSON.parse(
      (await runCli(["verify", "--json", `Authorization: Bearer ${v.token}`], { env, now })).stdout,
    );
    expect(out).toMatchObject({
      valid: true,
      code: "valid",
      format: "jwt",
      header: { kid: "hkdfv1-20180102" },
      claims: { sub: expect.stringMatching(/users\/foo$/) },
    });
    expect(out.checks.map((c: { name: string }) => c.name)).toEqual([
      "format",
      "applicationKey",
      "signature",
      "created",
      "expiry",
    ]);
    expect(out.notes).toEqual(["removed the 'Authorization: Bearer' prefix"]);
  });

  it("verifies tokens in a batch beside tickets", async () => {
    const token = createRegistrationToken({
      applicationKey: v.applicationKey,
      applicationSecret: v.applicationSecret,
      userId: "bob",
      now: new Date(),
    }).token;
    const r = await runCli(["verify", "--batch", "-"], { env, now: new Date(), stdin: `${token}\n${v.token}\n` });
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { line: 1, valid: true, code: "valid", identity: { type: "userId", endpoint: "bob" }, diagnosis: [] },
      { line: 2, valid: false, code: "expired", identity: { type: "userId", endpoint: "foo" }, diagnosis: [] },
    ]);
  });
});
