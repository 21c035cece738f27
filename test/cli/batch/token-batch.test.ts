import { describe, expect, it } from "vitest";
import { TokenSigner } from "../../../src/core/token/signer.js";
import { createRegistrationToken, decodeRegistrationToken, verifyRegistrationToken } from "../../../src/index.js";
import { KEY, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";
import { vectors } from "../../helpers/vectors.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const NOW = "2026-11-28T12:00:00Z";
const lines = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("TokenSigner", () => {
  it("signs Sinch's reference vectors byte for byte", () => {
    for (const v of vectors.registrationTokens) {
      const signer = new TokenSigner({
        applicationKey: v.applicationKey,
        applicationSecret: v.applicationSecret,
        now: new Date(v.now),
        ttl: v.ttlSeconds,
        ...(v.instanceExpiresAt !== null ? { instanceExpiresIn: v.instanceExpiresAt - Date.parse(v.now) / 1000 } : {}),
      });
      expect(signer.signChecked(v.userId, v.nonce)).toBe(v.token);
    }
  });
});

describe("sign --format jwt --batch", () => {
  it("reads one user id per line, each token as signing it alone would make it (but its nonce)", async () => {
    const r = await runCli(["sign", "--format", "jwt", "--batch", "-", "--now", NOW, "--ttl", "1h"], {
      env,
      stdin: "alice\r\n\n  bob  \ncarol",
    });
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => Object.keys(o))).toEqual([
      ["userId", "token"],
      ["userId", "token"],
      ["userId", "token"],
    ]);
    expect(out.map((o) => o.userId)).toEqual(["alice", "bob", "carol"]);
    const nonces = new Set<string>();
    for (const o of out) {
      const decoded = decodeRegistrationToken(o.token);
      expect(decoded.userId).toBe(o.userId);
      const nonce = decoded.claims?.nonce as string;
      nonces.add(nonce);
      const alone = createRegistrationToken({
        applicationKey: KEY,
        applicationSecret: SECRET,
        userId: o.userId,
        now: new Date(NOW),
        ttl: 3600,
        nonce,
      });
      expect(o.token).toBe(alone.token);
    }
    expect(nonces.size).toBe(3);
    expect(r.stderr).toMatch(/signed 3 tokens in/);
  });

  it("reads NDJSON {userId} and CSV with a userId column, and writes CSV userId,token", async () => {
    const ndjson = await runCli(["sign", "--format", "jwt", "--batch", "-", "--now", NOW], {
      env,
      stdin: '{"userId":"alice"}\n{"userId":"Zoë, \\"the\\" admin"}\n',
    });
    expect(ndjson.code, ndjson.stderr).toBe(0);
    expect(lines(ndjson.stdout).map((o) => o.userId)).toEqual(["alice", 'Zoë, "the" admin']);

    const csv = await runCli(["sign", "--format", "jwt", "--batch", "-", "--now", NOW, "--output-format", "csv"], {
      env,
      stdin: 'id,UserId\n1,alice\n2,"Smith, Anna"\n',
    });
    expect(csv.code, csv.stderr).toBe(0);
    const rows = csv.stdout.trimEnd().split("\n");
    expect(rows[0]).toBe("userId,token");
    expect(rows[1]).toMatch(/^alice,[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(rows[2]).toMatch(/^"Smith, Anna",[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeRegistrationToken(rows[2]!.split(",").pop() as string).userId).toBe("Smith, Anna");
  });

  it("applies --ttl, --now and --instance-expires-in to each token", async () => {
    const r = await runCli(
      ["sign", "--format", "jwt", "--count", "2", "--endpoint-template", "u{n}", "--now", NOW].concat([
        "--ttl",
        "2h",
        "--instance-expires-in",
        "72h",
      ]),
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    const iat = Date.parse(NOW) / 1000;
    for (const [i, o] of lines(r.stdout).entries()) {
      expect(o.userId).toBe(`u${i + 1}`);
      expect(decodeRegistrationToken(o.token).claims).toMatchObject({
        iat,
        exp: iat + 7200,
        "sinch:rtc:instance:exp": iat + 72 * 3600,
      });
    }
  });

  it("reports a bad line with its number, signs the rest, and exits 8", async () => {
    const r = await runCli(["sign", "--format", "jwt", "--batch", "-", "--now", NOW], {
      env,
      stdin: '{"userId":"alice"}\n{"user":"bob"}\n{"userId":"a\\u0007b"}\n{"userId":"carol"}\n',
    });
    expect(r.code).toBe(8);
    expect(lines(r.stdout).map((o) => o.userId)).toEqual(["alice", "carol"]);
    expect(r.stderr).toContain("line 2: no string 'userId' field");
    expect(r.stderr).toContain("line 3: the user id contains a control character");
  });

  it("refuses --nonce (each token has its own) and a --ttl under 60s", async () => {
    const nonce = await runCli(
      ["sign", "--format", "jwt", "--count", "2", "--endpoint-template", "u{n}", "--nonce", "n"],
      {
        env,
      },
    );
    expect(nonce.code).toBe(2);
    expect(nonce.stderr).toMatch(/--nonce makes one token/);
    const ttl = await runCli(["sign", "--format", "jwt", "--batch", "-", "--ttl", "59"], { env, stdin: "a\n" });
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toMatch(/--ttl must be at least 60s/);
  });

  it("reads back with verify --batch, NDJSON and CSV alike", async () => {
    for (const format of ["ndjson", "csv"]) {
      const signed = await runCli(
        ["sign", "--format", "jwt", "--count", "3", "--endpoint-template", "user{n}", "--output-format", format],
        { env },
      );
      expect(signed.code, signed.stderr).toBe(0);
      const verified = await runCli(["verify", "--batch", "-"], { env, stdin: signed.stdout });
      expect(verified.code, verified.stderr).toBe(0);
      const results = lines(verified.stdout);
      expect(results.map((r) => [r.valid, r.identity])).toEqual([
        [true, { type: "userId", endpoint: "user1" }],
        [true, { type: "userId", endpoint: "user2" }],
        [true, { type: "userId", endpoint: "user3" }],
      ]);
    }
  });

  it("a token from the batch verifies with the library", async () => {
    const r = await runCli(["sign", "--format", "jwt", "--batch", "-"], { env, stdin: "alice\n" });
    const [o] = lines(r.stdout);
    expect(verifyRegistrationToken(o.token, { applicationSecret: SECRET, now: new Date(NOW) }).valid).toBe(true);
  });
});
