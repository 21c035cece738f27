import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeTicket } from "../../../src/index.js";
import { KEY, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { runCli, scriptedPrompter } from "../../helpers/io.js";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "st-config-"));
  const path = join(dir, "sub", "config.json");
  return { dir, path, env: { SINCH_TICKET_CONFIG: path } as Record<string, string> };
}
const read = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("config init", () => {
  it("writes a profile from flags, with mode 0600 in a 0700 folder", async () => {
    const { path, env } = setup();
    const r = await runCli(["config", "init", "--key", KEY, "--secret-stdin"], { env, stdin: `${SECRET}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`saved profile 'default' in ${path}`);
    expect(read(path)).toEqual({
      defaultProfile: "default",
      profiles: { default: { applicationKey: KEY, applicationSecret: SECRET } },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, "..")).mode & 0o777).toBe(0o700);
  });

  it("adds profiles without touching the others, and takes --secret-file", async () => {
    const { dir, path, env } = setup();
    await runCli(["config", "init", "--key", "k1", "--secret-stdin"], { env, stdin: SECRET });
    writeFileSync(join(dir, "s"), `${OTHER_SECRET}\n`);
    const r = await runCli(["config", "init", "--profile", "prod", "--key", "k2", "--secret-file", join(dir, "s")], {
      env,
    });
    expect(r.code).toBe(0);
    expect(read(path).profiles).toEqual({
      default: { applicationKey: "k1", applicationSecret: SECRET },
      prod: { applicationKey: "k2", applicationSecret: OTHER_SECRET },
    });
    expect(read(path).defaultProfile).toBe("default");
  });

  it("does not replace a profile without --force from a script", async () => {
    const { path, env } = setup();
    await runCli(["config", "init", "--key", "k1", "--secret-stdin"], { env, stdin: SECRET });
    const refused = await runCli(["config", "init", "--key", "k2", "--secret-stdin"], { env, stdin: SECRET });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already exists .* add --force/);
    expect(read(path).profiles.default.applicationKey).toBe("k1");
    const forced = await runCli(["config", "init", "--force", "--key", "k2", "--secret-stdin"], { env, stdin: SECRET });
    expect(forced.code).toBe(0);
    expect(read(path).profiles.default.applicationKey).toBe("k2");
  });

  it("asks for key and secret, and confirms before replacing, when a person runs it", async () => {
    const { path, env } = setup();
    const first = scriptedPrompter(["my-key", SECRET, ""]);
    expect((await runCli(["config", "init"], { env, prompter: first })).code).toBe(0);
    expect(first.asked).toEqual([
      "Application key",
      "Application secret (input hidden)",
      "Webhook secret for Conversation, SMS and Numbers (input hidden; optional, empty for none)",
    ]);

    const declined = scriptedPrompter([false]);
    expect((await runCli(["config", "init"], { env, prompter: declined })).code).toBe(0);
    expect(declined.asked).toEqual(["Replace the existing profile 'default'?"]);
    expect(read(path).profiles.default.applicationKey).toBe("my-key");

    const accepted = scriptedPrompter([true, "new-key", OTHER_SECRET, ""]);
    expect((await runCli(["config", "init"], { env, prompter: accepted })).code).toBe(0);
    expect(read(path).profiles.default).toEqual({ applicationKey: "new-key", applicationSecret: OTHER_SECRET });
  });

  it("asks for the webhook secret too (hidden, optional), or takes --webhook-secret-file; a replaced profile keeps it", async () => {
    const { dir, path, env } = setup();
    const asked = scriptedPrompter(["k1", SECRET, "webhook secret, as typed"]);
    const r = await runCli(["config", "init", "--store", "file"], { env, prompter: asked });
    expect(r.code, r.stderr).toBe(0);
    expect(asked.asked[2]).toMatch(/^Webhook secret .*input hidden/);
    expect(read(path).profiles.default).toEqual({
      applicationKey: "k1",
      applicationSecret: SECRET,
      webhookSecret: "webhook secret, as typed",
    });
    expect(r.stderr).toContain("webhook secret in the file");
    expect(r.stdout + r.stderr).not.toContain("webhook secret, as typed");

    // Replaced: an empty answer keeps the webhook secret the profile had (and says so when asked).
    const again = scriptedPrompter([true, "k2", OTHER_SECRET, ""]);
    expect((await runCli(["config", "init", "--store", "file"], { env, prompter: again })).code).toBe(0);
    expect(again.asked[3]).toMatch(/empty keeps the current one/);
    expect(read(path).profiles.default.webhookSecret).toBe("webhook secret, as typed");

    // Without a terminal: --webhook-secret-file, as the application secret takes --secret-file.
    writeFileSync(join(dir, "hook"), "from-a-file\n");
    const scripted = await runCli(
      [
        "config",
        "init",
        "--profile",
        "ci",
        "--store",
        "file",
        "--key",
        "k3",
        "--secret-stdin",
        "--webhook-secret-file",
        join(dir, "hook"),
      ],
      { env, stdin: SECRET },
    );
    expect(scripted.code, scripted.stderr).toBe(0);
    expect(read(path).profiles.ci).toEqual({
      applicationKey: "k3",
      applicationSecret: SECRET,
      webhookSecret: "from-a-file",
    });
    // No question and no flag: no webhook secret.
    const none = await runCli(
      ["config", "init", "--profile", "bare", "--store", "file", "--key", "k4", "--secret-stdin"],
      {
        env,
        stdin: SECRET,
      },
    );
    expect(none.code).toBe(0);
    expect(read(path).profiles.bare).toEqual({ applicationKey: "k4", applicationSecret: SECRET });

    for (const [content, problem] of [
      ["", /is empty/],
      ["\n", /is empty/],
    ] as const) {
      writeFileSync(join(dir, "bad"), content);
      const bad = await runCli(
        [
          "config",
          "init",
          "--profile",
          "bad",
          "--key",
          "k",
          "--secret-stdin",
          "--webhook-secret-file",
          join(dir, "bad"),
        ],
        { env, stdin: SECRET },
      );
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(problem);
    }
    const missing = await runCli(
      [
        "config",
        "init",
        "--profile",
        "bad",
        "--key",
        "k",
        "--secret-stdin",
        "--webhook-secret-file",
        join(dir, "nope"),
      ],
      { env, stdin: SECRET },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read webhook secret file .*nope \(ENOENT\)\n$/);
    expect(read(path).profiles.bad).toBeUndefined();
  });

  it("refuses a secret that is not base64, and never writes it", async () => {
    const { path, env } = setup();
    const r = await runCli(["config", "init", "--key", "k", "--secret-stdin"], { env, stdin: "not base64!" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not standard base64/);
    expect(r.stderr).not.toContain("not base64!");
    expect(existsSync(path)).toBe(false);
  });

  it("needs a terminal or flags", async () => {
    const { env } = setup();
    const r = await runCli(["config", "init", "--key", "k"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs --key and --secret-stdin or --secret-file/);
  });

  it.each(["bad name", "", "../x", "-x"])("refuses the profile name %j", async (name) => {
    const { env } = setup();
    const r = await runCli(["config", "init", "--profile", name, "--key", "k", "--secret-stdin"], {
      env,
      stdin: SECRET,
    });
    expect(r.code).toBe(2);
  });

  it("never overwrites a corrupt file", async () => {
    const { dir, env } = setup();
    const path = join(dir, "config.json");
    const corrupt = `{"profiles": {"default": {"applicationKey": "k"`;
    writeFileSync(path, corrupt, { mode: 0o600 });
    const r = await runCli(["config", "init", "--force", "--key", "k", "--secret-stdin"], {
      env: { ...env, SINCH_TICKET_CONFIG: path },
      stdin: SECRET,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`config file ${path}: not valid JSON at line 1, column \\d+`));
    expect(readFileSync(path, "utf8")).toBe(corrupt);
  });
});

describe("config use, remove, list, path", () => {
  async function twoProfiles() {
    const s = setup();
    await runCli(["config", "init", "--key", "k-dev", "--profile", "dev", "--secret-stdin"], {
      env: s.env,
      stdin: SECRET,
    });
    await runCli(["config", "init", "--key", "k-prod", "--profile", "prod", "--secret-stdin"], {
      env: s.env,
      stdin: OTHER_SECRET,
    });
    return s;
  }

  it("lists profiles with the default marked, never secrets", async () => {
    const { env } = await twoProfiles();
    const r = await runCli(["config", "list"], { env });
    expect(r.stdout).toBe("* dev   k-dev\n  prod  k-prod\n");
    const json = JSON.parse((await runCli(["config", "list", "--json"], { env })).stdout);
    expect(json.profiles).toEqual([
      {
        name: "dev",
        applicationKey: "k-dev",
        hasSecret: true,
        secretStore: "file",
        webhookSecretStore: null,
        default: true,
      },
      {
        name: "prod",
        applicationKey: "k-prod",
        hasSecret: true,
        secretStore: "file",
        webhookSecretStore: null,
        default: false,
      },
    ]);
    expect(JSON.stringify(json)).not.toContain(SECRET);
  });

  it("switches the default profile, which sign then uses", async () => {
    const { path, env } = await twoProfiles();
    expect((await runCli(["config", "use", "prod"], { env })).code).toBe(0);
    expect(read(path).defaultProfile).toBe("prod");
    const signed = await runCli(["sign", "a"], { env });
    expect(decodeTicket(signed.stdout.trim()).applicationKey).toBe("k-prod");
    const missing = await runCli(["config", "use", "staging"], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no profile 'staging' .*\(profiles: dev, prod\)/);
  });

  it("removes a profile, and the default with it", async () => {
    const { path, env } = await twoProfiles();
    expect((await runCli(["config", "remove", "dev"], { env })).code).toBe(0);
    expect(read(path)).toEqual({ profiles: { prod: { applicationKey: "k-prod", applicationSecret: OTHER_SECRET } } });
    expect((await runCli(["config", "remove", "dev"], { env })).code).toBe(2);
  });

  it("prints the path, existing or not", async () => {
    const { path, env } = setup();
    expect((await runCli(["config", "path"], { env })).stdout).toBe(`${path}\n`);
    expect((await runCli(["config", "path"], { home: "/h", env: { XDG_CONFIG_HOME: "/x" } })).stdout).toBe(
      "/x/sinch-ticket/config.json\n",
    );
    expect((await runCli(["config", "path"], { home: "/h" })).stdout).toBe("/h/.config/sinch-ticket/config.json\n");
  });

  it("warns about a readable file on every command that reads it", async () => {
    const { path, env } = await twoProfiles();
    chmodSync(path, 0o640);
    for (const argv of [
      ["config", "list"],
      ["config", "show"],
      ["sign", "a"],
      ["config", "use", "dev"],
    ]) {
      const r = await runCli(argv, { env });
      expect(r.stderr, argv.join(" ")).toContain(`chmod 600 ${path}`);
    }
  });
});

describe("config show", () => {
  const key = { flag: ["--key", "k-flag"], env: { SINCH_APPLICATION_KEY: "k-env" } };

  async function show(argv: string[], env: Record<string, string>, cwd: string, stdin?: string) {
    const r = await runCli(["config", "show", "--json", ...argv], { env, cwd, ...(stdin ? { stdin } : {}) });
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  }

  it("reports the source of each value under every precedence case", async () => {
    const { dir, path } = setup();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(
      path,
      JSON.stringify({ profiles: { default: { applicationKey: "k-config", applicationSecret: SECRET } } }),
      { mode: 0o600 },
    );
    const dotenvDir = mkdtempSync(join(tmpdir(), "st-dotenv-"));
    writeFileSync(
      join(dotenvDir, ".env"),
      `SINCH_APPLICATION_KEY=k-dotenv\nSINCH_APPLICATION_SECRET=${OTHER_SECRET}\n`,
    );
    const conf = { SINCH_TICKET_CONFIG: path };
    const none = { SINCH_TICKET_CONFIG: join(dir, "none.json") };

    const cases: [
      string,
      string[],
      Record<string, string>,
      string,
      string | undefined,
      [string, string],
      [string, string],
    ][] = [
      [
        "flags win",
        [...key.flag, "--secret-stdin"],
        { ...conf, ...key.env, SINCH_APPLICATION_SECRET: SECRET },
        dotenvDir,
        OTHER_SECRET,
        ["k-flag", "flag"],
        ["flag", "--secret-stdin"],
      ],
      [
        "env beats .env",
        [],
        { ...conf, ...key.env, SINCH_APPLICATION_SECRET: SECRET },
        dotenvDir,
        undefined,
        ["k-env", "env"],
        ["env", "SINCH_APPLICATION_SECRET"],
      ],
      [
        ".env beats config",
        [],
        conf,
        dotenvDir,
        undefined,
        ["k-dotenv", "dotenv"],
        ["dotenv", "SINCH_APPLICATION_SECRET in .env"],
      ],
      ["config", [], conf, "/", undefined, ["k-config", "config"], ["config", `profile 'default' in ${path}`]],
      ["demo last", ["--demo"], none, "/", undefined, ["demo-application-key", "demo"], ["demo", "--demo"]],
      [
        "--key naming the .env pair's application",
        ["--key", "k-dotenv"],
        conf,
        dotenvDir,
        undefined,
        ["k-dotenv", "flag"],
        ["dotenv", "SINCH_APPLICATION_SECRET in .env"],
      ],
    ];
    for (const [name, argv, env, cwd, stdin, [keyValue, keySource], [secretSource, secretOrigin]] of cases) {
      const out = await show(argv, env, cwd, stdin);
      expect(out.applicationKey, name).toMatchObject({ value: keyValue, source: keySource });
      expect(out.applicationSecret, name).toMatchObject({ source: secretSource, origin: secretOrigin });
      expect(out.applicationSecret.masked, name).toMatch(/^\*+ \(\d+ bytes\)$/);
    }
  });

  it("names the file given by --dotenv, as it was typed, for each value read from it", async () => {
    const { dir } = setup();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "envs"));
    writeFileSync(
      join(dir, "envs", "staging.env"),
      `SINCH_APPLICATION_KEY=k-staging\nSINCH_APPLICATION_SECRET=${OTHER_SECRET}\nSINCH_WEBHOOK_SECRET=hook\n`,
    );
    const env = { SINCH_TICKET_CONFIG: join(dir, "none.json") };
    const out = await show(["--dotenv", "envs/staging.env"], env, dir);
    expect(out.applicationKey).toMatchObject({ source: "dotenv", origin: "SINCH_APPLICATION_KEY in envs/staging.env" });
    expect(out.applicationSecret).toMatchObject({
      source: "dotenv",
      origin: "SINCH_APPLICATION_SECRET in envs/staging.env",
    });
    expect(out.webhookSecret).toMatchObject({ source: "dotenv", origin: "SINCH_WEBHOOK_SECRET in envs/staging.env" });
    const human = await runCli(["config", "show", "--dotenv", "envs/staging.env"], { env, cwd: dir });
    expect(human.stdout).toContain("(dotenv: SINCH_APPLICATION_KEY in envs/staging.env)");
  });

  it("says what is missing and never prints a secret", async () => {
    const { path, env } = setup();
    const empty = JSON.parse((await runCli(["config", "show", "--json"], { env })).stdout);
    expect(empty).toEqual({
      profile: "default",
      configPath: path,
      applicationKey: { value: null, source: null, origin: null },
      applicationSecret: { masked: null, source: null, origin: null, fingerprint: null },
      webhookSecret: { masked: null, source: null, origin: null, fingerprint: null },
    });
    const r = await runCli(["config", "show"], {
      env: { ...env, SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET },
    });
    expect(r.stdout).toMatch(/secret +\*{8} \(23 bytes\) sha256:[0-9a-f]{8} \(env: SINCH_APPLICATION_SECRET\)/);
    expect(r.stdout).not.toContain(SECRET);
    // Half a pair is no pair: the missing half is named, the other never shown.
    const half = await runCli(["config", "show"], { env: { ...env, SINCH_APPLICATION_SECRET: SECRET } });
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/SINCH_APPLICATION_KEY is not in the environment/);
    expect(half.stdout + half.stderr).not.toContain(SECRET);
  });

  it("shows the webhook secret masked, with its source and origin, under each source; never its value", async () => {
    const { dir, path, env } = setup();
    const hook = "the-profile-webhook-secret";
    writeFileSync(join(dir, "hook"), `${hook}\n`);
    await runCli(
      ["config", "init", "--store", "file", "--key", KEY, "--secret-stdin", "--webhook-secret-file", join(dir, "hook")],
      { env, stdin: SECRET },
    );
    const fingerprint = `sha256:${createHash("sha256").update(hook).digest("hex").slice(0, 8)}`;
    const cases: [string[], Record<string, string>, Record<string, string>][] = [
      [[], env, { source: "config", origin: `profile 'default' in ${path}` }],
      [[], { ...env, SINCH_WEBHOOK_SECRET: "from-env" }, { source: "env", origin: "SINCH_WEBHOOK_SECRET" }],
      [["--webhook-secret-file", join(dir, "hook")], env, { source: "flag", origin: "--webhook-secret-file" }],
    ];
    for (const [argv, e, where] of cases) {
      const r = await runCli(["config", "show", "--json", ...argv], { env: e });
      expect(r.code, r.stderr).toBe(0);
      const shown = JSON.parse(r.stdout).webhookSecret;
      expect(shown).toMatchObject({ ...where, masked: expect.stringMatching(/^\*{8} \(\d+ bytes\)$/) });
      expect(r.stdout).not.toContain(hook);
      expect(r.stdout).not.toContain("from-env");
    }
    const json = JSON.parse((await runCli(["config", "show", "--json"], { env })).stdout);
    expect(json.webhookSecret).toEqual({
      masked: `******** (${hook.length} bytes)`,
      source: "config",
      origin: `profile 'default' in ${path}`,
      fingerprint,
    });
    const human = await runCli(["config", "show"], { env });
    expect(human.stdout).toContain(
      `webhook secret  ******** (${hook.length} bytes) ${fingerprint} (config: profile 'default' in ${path})`,
    );
    expect(human.stdout).not.toContain(hook);

    const list = JSON.parse((await runCli(["config", "list", "--json"], { env })).stdout);
    expect(list.profiles[0]).toMatchObject({ name: "default", secretStore: "file", webhookSecretStore: "file" });
    expect(JSON.stringify(list)).not.toContain(hook);
  });
});
