/**
 * Credentials as the built command reads them, in the shapes people meet: a key and its
 * secret always from one source, --demo on its own, a `.env` that supplies credentials
 * only, two profiles sharing a key (rotation), and --json answering every outcome.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createTicket, decodeTicket, verifyTicket } from "../../src/index.js";
import { CLI, cleanEnv, requireBuild, runBin, writeProfiles } from "../helpers/bin.js";
import { OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { until } from "../helpers/wait.js";

/** The built-in demo credentials (the README prints the secret, so may this test). */
const DEMO = { key: "demo-application-key", secret: "c2luY2gtdGlja2V0IGRlbW8gc2VjcmV0LCBub3QgZm9yIHVzZQ==" };
const REAL = { applicationKey: "real-production-key", applicationSecret: SECRET };

const keyOf = (ticket: string) => decodeTicket(ticket.trim()).applicationKey;
const signedWith = (ticket: string, secret: string) =>
  verifyTicket(ticket.trim(), { applicationSecret: secret, ignoreTime: true }).valid;

beforeAll(() => requireBuild());

describe("--demo reads no other source", () => {
  it("beside a profile, a secret in the environment, or a .env with real credentials", () => {
    const withProfile = cleanEnv();
    writeProfiles(withProfile, "default", { default: REAL });
    const secretOnly = cleanEnv({ SINCH_APPLICATION_SECRET: OTHER_SECRET });
    const folder = mkdtempSync(join(tmpdir(), "st-demo-"));
    writeFileSync(
      join(folder, ".env"),
      `SINCH_APPLICATION_KEY=${REAL.applicationKey}\nSINCH_APPLICATION_SECRET=${REAL.applicationSecret}\n`,
    );
    for (const [env, cwd] of [
      [withProfile, tmpdir()],
      [secretOnly, tmpdir()],
      [cleanEnv(), folder],
    ] as const) {
      const r = runBin(["sign", "--demo", "--no-input", "ivan"], { env, cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(keyOf(r.stdout)).toBe(DEMO.key);
      expect(signedWith(r.stdout, DEMO.secret)).toBe(true);
      expect(signedWith(r.stdout, REAL.applicationSecret)).toBe(false);
      expect(r.stderr).toMatch(/built-in demo credentials/);
      // And verify --demo takes the demo ticket there as valid.
      const v = runBin(["verify", "--demo", r.stdout.trim()], { env, cwd });
      expect(v.code, v.stderr).toBe(0);
    }
  });

  it("beside --key, --secret-file, --secret-stdin or --profile is exit 2", () => {
    for (const extra of [["--key", "k"], ["--secret-stdin"], ["--profile", "default"]]) {
      const r = runBin(["sign", "--demo", "--no-input", "ivan", ...extra], { input: SECRET });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--demo uses only the built-in demo credentials: leave out --/);
      expect(r.stdout).toBe("");
    }
  });
});

describe("a key and a secret come from one source", () => {
  it("an empty SINCH_APPLICATION_SECRET beside a key is exit 2, never the profile's secret", () => {
    const env = cleanEnv({ SINCH_APPLICATION_KEY: "env-key", SINCH_APPLICATION_SECRET: "" });
    writeProfiles(env, "default", { default: REAL });
    const r = runBin(["sign", "--no-input", "alice"], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/SINCH_APPLICATION_KEY is set but SINCH_APPLICATION_SECRET is empty in the environment/);
  });

  it("--key alone takes the environment's secret only when the environment names no other key", () => {
    const same = runBin(["sign", "--no-input", "--key", "k1", "alice"], {
      env: cleanEnv({ SINCH_APPLICATION_SECRET: SECRET }),
    });
    expect(same.code, same.stderr).toBe(0);
    expect(signedWith(same.stdout, SECRET)).toBe(true);
    const other = runBin(["sign", "--no-input", "--key", "k1", "alice"], {
      env: cleanEnv({ SINCH_APPLICATION_KEY: "k2", SINCH_APPLICATION_SECRET: SECRET }),
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/no secret for --key k1/);
  });

  it("--profile on the command line beats the environment, and says what it left unused", () => {
    const env = cleanEnv({ SINCH_APPLICATION_KEY: "env-key", SINCH_APPLICATION_SECRET: OTHER_SECRET });
    writeProfiles(env, "default", { default: REAL });
    const r = runBin(["sign", "--no-input", "--profile", "default", "alice"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(keyOf(r.stdout)).toBe(REAL.applicationKey);
    expect(r.stderr).toMatch(
      /using profile 'default' \(--profile\): SINCH_APPLICATION_KEY, SINCH_APPLICATION_SECRET not used/,
    );
  });

  it("a .env changes nothing but credentials", () => {
    const env = cleanEnv();
    writeProfiles(env, "default", { default: REAL, other: { applicationKey: "other-key", applicationSecret: SECRET } });
    const folder = mkdtempSync(join(tmpdir(), "st-dotenv-"));
    writeFileSync(join(folder, ".env"), "SINCH_PROFILE=other\nSINCH_TICKET_CONFIG=/nonexistent/config.json\nCI=true\n");
    const r = runBin(["sign", "--no-input", "alice"], { env, cwd: folder });
    expect(r.code, r.stderr).toBe(0);
    expect(keyOf(r.stdout)).toBe(REAL.applicationKey);
  });

  it("config show names the file a value came from", () => {
    const folder = mkdtempSync(join(tmpdir(), "st-dotenv-"));
    writeFileSync(join(folder, "staging.env"), `SINCH_APPLICATION_KEY=k-staging\nSINCH_APPLICATION_SECRET=${SECRET}\n`);
    const r = runBin(["config", "show", "--json", "--dotenv", "staging.env"], { cwd: folder });
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout);
    expect(shown.applicationKey).toMatchObject({ source: "dotenv", origin: "SINCH_APPLICATION_KEY in staging.env" });
    expect(shown.applicationSecret).toMatchObject({ origin: "SINCH_APPLICATION_SECRET in staging.env" });
  });
});

describe("key rotation: two profiles with one key", () => {
  const env = cleanEnv();
  const key = "rotating-key";
  writeProfiles(env, "new", {
    new: { applicationKey: key, applicationSecret: SECRET },
    old: { applicationKey: key, applicationSecret: OTHER_SECRET },
    elsewhere: { applicationKey: "another-key", applicationSecret: SECRET },
  });
  const signedBy = (secret: string, endpoint = "alice") =>
    createTicket({ applicationKey: key, applicationSecret: secret, identity: { endpoint } }).userTicket;

  it("a ticket signed with the older secret is valid, naming the profile whose secret matched", () => {
    const r = runBin(["verify", "--json", signedBy(OTHER_SECRET)], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).valid).toBe(true);
    expect(r.stderr).toMatch(/profile 'old''s secret matched \(profiles holding this key: 'new', 'old'\)/);
    const current = runBin(["verify", signedBy(SECRET)], { env });
    expect(current.code).toBe(0);
    expect(current.stderr).toMatch(/profile 'new''s secret matched/);
  });

  it("a ticket neither signed is the default's bad signature, naming the profiles compared", () => {
    const r = runBin(["verify", signedBy("c29tZXRoaW5nIGVsc2U=")], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no profile's secret matched: compared 'new', 'old'; the answer is profile 'new''s/);
  });

  it("a key no profile holds is a key mismatch naming the profiles there are", () => {
    const stranger = createTicket({
      applicationKey: "k-stranger",
      applicationSecret: SECRET,
      identity: { endpoint: "x" },
    });
    const r = runBin(["verify", stranger.userTicket], { env });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(
      /no profile holds application key 'k-stranger' \(the profiles are 'new', 'old', 'elsewhere'\): checked with profile 'new'/,
    );
  });

  it("each line of a batch the same way", () => {
    const lines = [signedBy(SECRET, "a"), signedBy(OTHER_SECRET, "b")].join("\n");
    const r = runBin(["verify", "--batch", "-"], { env, input: lines });
    expect(r.code, r.stderr).toBe(0);
    expect(
      r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).code),
    ).toEqual(["valid", "valid"]);
  });

  it("signing with --key that two profiles hold is exit 2 listing them", () => {
    const r = runBin(["sign", "--no-input", "--key", key, "alice"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--key rotating-key is the key of several profiles \('new', 'old'\)/);
  });
});

describe("two tickets on one line", () => {
  it("verify and verify --batch give the same answer, and neither repairs anything", () => {
    const env = cleanEnv({ SINCH_APPLICATION_KEY: REAL.applicationKey, SINCH_APPLICATION_SECRET: SECRET });
    const a = createTicket({ ...REAL, identity: { endpoint: "a" } }).userTicket;
    const b = createTicket({ ...REAL, identity: { endpoint: "b" } }).userTicket;
    const line = `first ${a} then ${b}`;
    const single = runBin(["verify", "--json", line], { env });
    expect(single.code).toBe(2);
    const error = JSON.parse(single.stdout);
    expect(error).toMatchObject({ exitCode: 2, error: expect.stringMatching(/found 2 different tickets/) });
    const batch = runBin(["verify", "--batch", "-"], { env, input: `${line}\n` });
    expect(batch.code).toBe(8);
    const out = JSON.parse(batch.stdout.trim());
    expect(out).toMatchObject({ code: "error", valid: false, diagnosis: [] });
    expect(out.error).toMatch(/found 2 different tickets/);
    expect(batch.stdout + batch.stderr).not.toMatch(/plus-as-space|damaged on the way/);
  });
});

describe("--json answers every outcome", () => {
  const cases: [string, string[], Record<string, string>, number][] = [
    ["no credentials", ["sign", "--json", "--no-input", "alice"], {}, 2],
    ["a bad e-mail endpoint", ["sign", "--json", "--demo", "--type", "email", "not-an-address"], {}, 2],
    ["an unknown flag", ["verify", "--json", "--tpye", "x"], {}, 2],
    ["half a pair", ["verify", "--json", "x:y"], { SINCH_APPLICATION_SECRET: SECRET }, 2],
    [
      "a receiver that cannot be reached",
      ["callback", "send", "ace", "--json", "--demo", "--url", "http://127.0.0.1:9/cb"],
      {},
      9,
    ],
  ];
  it.each(cases)("%s: {error, exitCode} on stdout", (_name, args, extra, code) => {
    const r = runBin(args, { env: cleanEnv(extra) });
    expect(r.code).toBe(code);
    const document = JSON.parse(r.stdout);
    expect(document.exitCode).toBe(code);
    expect(typeof document.error).toBe("string");
    expect(r.stderr).toContain(document.error);
  });

  it("a batch that stops early ends its NDJSON with the error object", () => {
    const r = runBin(["sign", "--demo", "--batch", "-"], { input: Buffer.from("alice\n\xff\n", "latin1") });
    expect(r.code).toBe(2);
    const last = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
    expect(last).toMatchObject({ exitCode: 2, error: expect.stringMatching(/is not UTF-8/) });
  });

  it("decode's malformed document carries its exit code", () => {
    const r = runBin(["decode", "--json", "abc:def"]);
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 6, format: null });
  });
});

describe("callback listen chooses the profile by the callback's key", () => {
  it("as request verify does for the same bytes", async () => {
    const env = cleanEnv();
    writeProfiles(env, "first", {
      first: { applicationKey: "first-key", applicationSecret: SECRET },
      second: { applicationKey: "second-key", applicationSecret: OTHER_SECRET },
    });
    const printed = runBin(["callback", "send", "pie", "--profile", "second", "--print", "--url", "http://x/cb"], {
      env,
    });
    expect(printed.code, printed.stderr).toBe(0);
    const verified = runBin(["request", "verify", "--json", "-"], { env, input: printed.stdout });
    expect(verified.code, verified.stderr).toBe(0);

    const child = spawn(process.execPath, [CLI, "callback", "listen", "--port", "0", "--json"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    try {
      await until(() => /^http:\/\/\S+\n/.test(out) || child.exitCode !== null, "the receiver's address");
      const url = (/^(http:\/\/\S+)\n/.exec(out) as RegExpExecArray)[1] as string;
      const sent = runBin(["callback", "send", "pie", "--profile", "second", "--url", `${url}/cb`], { env });
      expect(sent.code, sent.stderr).toBe(0);
      await until(() => out.split("\n").length > 2 || child.exitCode !== null, "the NDJSON line");
      const line = JSON.parse(out.split("\n")[1] as string);
      expect(line).toMatchObject({ event: "pie", code: "valid", valid: true });
      expect(err).toMatch(/valid .*profile 'second'/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
