import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeTicket, verifyTicket } from "../../../src/index.js";
import { KEY, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";

const env = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };

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

    r = await runCli(["sign", "a"], {
      ...base,
      env: { ...base.env, SINCH_APPLICATION_KEY: "from-env", SINCH_APPLICATION_SECRET: SECRET },
    });
    expect(keyOf(r.stdout)).toBe("from-env");
    expect(signedWith(r.stdout, SECRET)).toBe(true);

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
    expect(r.stderr).toBe(`error: config file ${path}: not valid JSON at line 1, column ${column}\n`);
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
    const nothing = await runCli(["sign", "a"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/no application key: use --key <key>/);
    const noSecret = await runCli(["verify", "x:y"]);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/no application secret: use --secret-file/);
  });

  it("names the missing half of a pair in the environment", async () => {
    const noSecret = await runCli(["sign", "a"], { env: { SINCH_APPLICATION_KEY: KEY } });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toMatch(/SINCH_APPLICATION_KEY is set but SINCH_APPLICATION_SECRET is not/);
    const noKey = await runCli(["sign", "a"], { env: { SINCH_APPLICATION_SECRET: SECRET } });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/SINCH_APPLICATION_KEY is not in the environment.*--key <key>/);
  });
});
