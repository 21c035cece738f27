/**
 * Secret hygiene: every command, in every mode, from every credential source, with the
 * secret known; it must never appear on stdout or stderr (nor its base64url or hex forms).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createRegistrationToken, createTicket } from "../../src/index.js";
import { CLI, cleanEnv, requireBuild, runBin, runInTerminal, tempHome } from "../helpers/bin.js";
import { startSecretService } from "../helpers/keyring.js";

beforeAll(requireBuild);

// A distinctive secret, so any leak is unmistakable.
const SECRET = "U2VjcmV0SHlnaWVuZVRlc3RWYWx1ZTQyIQ==";
const forms = [
  SECRET,
  Buffer.from(SECRET, "base64").toString("base64url"),
  Buffer.from(SECRET, "base64").toString("hex"),
  Buffer.from(SECRET, "base64").toString("utf8"),
];
const KEY = "hygiene-key";

function assertNoSecret(what: string, ...outputs: string[]) {
  for (const out of outputs) for (const form of forms) expect(out, `${what} leaked the secret`).not.toContain(form);
}

const ticket = createTicket({
  applicationKey: KEY,
  applicationSecret: SECRET,
  identity: { endpoint: "alice" },
}).userTicket;
const badTicket = createTicket({
  applicationKey: KEY,
  applicationSecret: "JViE5vDor0Sw3WllZka15Q==",
  identity: { endpoint: "alice" },
}).userTicket;
const token = createRegistrationToken({ applicationKey: KEY, applicationSecret: SECRET, userId: "alice" }).token;

interface Source {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string | undefined;
}

/** Each credential source: extra arguments, environment, working directory. */
function sources(): Source[] {
  const dir = tempHome();
  writeFileSync(join(dir, "secret.txt"), `${SECRET}\n`);
  writeFileSync(join(dir, ".env"), `SINCH_APPLICATION_KEY=${KEY}\nSINCH_APPLICATION_SECRET=${SECRET}\n`);
  const config = join(dir, "config.json");
  writeFileSync(config, JSON.stringify({ profiles: { default: { applicationKey: KEY, applicationSecret: SECRET } } }), {
    mode: 0o644,
  });
  return [
    { name: "env", args: [], env: { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET }, cwd: undefined },
    { name: "secret file", args: ["--key", KEY, "--secret-file", join(dir, "secret.txt")], env: {}, cwd: undefined },
    { name: ".env", args: [], env: {}, cwd: dir },
    { name: "config (readable by others)", args: [], env: { SINCH_TICKET_CONFIG: config }, cwd: undefined },
  ];
}

const commands: string[][] = [
  ["sign", "alice"],
  ["sign", "--json", "alice"],
  ["sign", "--format", "jwt", "--json", "alice"],
  ["sign", "-t", "email", "not-an-email"],
  ["sign", "--created", "bogus", "alice"],
  ["sign", "--count", "3", "--endpoint-template", "u{n}"],
  ["sign", "--format", "jwt", "--count", "3", "--endpoint-template", "u{n}", "--output-format", "csv"],
  ["verify", ticket],
  ["verify", "--json", ticket],
  ["verify", "--json", badTicket],
  ["verify", badTicket],
  ["verify", "--json", token],
  ["verify", "--quiet", "garbage"],
  ["verify", "--json", "garbage"],
  ["decode", ticket],
  ["config", "show"],
  ["config", "show", "--json"],
  ["config", "list", "--json"],
  ["sign", "--bogus-flag", "x"],
];

describe("the secret never appears in output", () => {
  for (const source of sources()) {
    it(`with credentials from ${source.name}, in every command and mode`, () => {
      for (const command of commands) {
        const r = runBin([...command, ...source.args], {
          env: cleanEnv({ ...source.env, SINCH_TICKET_DEBUG: "1" }),
          ...(source.cwd ? { cwd: source.cwd } : {}),
        });
        assertNoSecret(`${source.name}: ${command.join(" ")}`, r.stdout, r.stderr);
      }
    });
  }

  it("with the secret in the keychain (a real Secret Service), in every command and mode, and in no file", async () => {
    const store = await startSecretService();
    try {
      const env = cleanEnv({ DBUS_SESSION_BUS_ADDRESS: store.address, SINCH_TICKET_DEBUG: "1" });
      const init = runBin(["config", "init", "--key", KEY, "--secret-stdin"], { env, input: SECRET });
      expect(init.stderr).toContain("(secret in the keychain)");
      assertNoSecret("config init to the keychain", init.stdout, init.stderr);
      for (const command of commands) {
        const r = runBin(command, { env });
        assertNoSecret(`keychain: ${command.join(" ")}`, r.stdout, r.stderr);
        // The commands that should work, worked: the secret really came from the store.
        if (command.join(" ") === "verify --json " + ticket) expect(r.code, r.stderr).toBe(0);
      }
      // Store failures say why without the secret: a stopped store, then an entry gone.
      process.kill(store.daemonPid(), "SIGSTOP");
      const silent = runBin(["sign", "alice"], { env });
      process.kill(store.daemonPid(), "SIGCONT");
      expect(silent.code).toBe(2);
      assertNoSecret("keychain that does not answer", silent.stdout, silent.stderr);
      const migrated = runBin(["config", "migrate", "--to", "file"], { env });
      assertNoSecret("config migrate --to file", migrated.stdout, migrated.stderr);
      const back = runBin(["config", "migrate"], { env });
      assertNoSecret("config migrate", back.stdout, back.stderr);
      const file = readFileSync(join(env.XDG_CONFIG_HOME as string, "sinch-ticket", "config.json"), "utf8");
      assertNoSecret("the config file", file);
    } finally {
      store.stop();
    }
  }, 60_000);

  it("when refused on the command line, in every spelling", () => {
    for (const args of [
      ["sign", "a", "--secret", SECRET],
      ["sign", "a", `--secret=${SECRET}`],
      ["verify", ticket, "--secret", SECRET],
      ["config", "init", "--secret", SECRET],
      ["sign", `--secrets=${SECRET}`, "a"],
      ["sign", "a", `-s${SECRET}`],
    ]) {
      const r = runBin(args, { env: cleanEnv({ SINCH_APPLICATION_KEY: KEY }) });
      expect(r.code).toBe(2);
      assertNoSecret(args.join(" "), r.stdout, r.stderr);
    }
  });

  it("when the secret itself is malformed", () => {
    const broken = `${SECRET.slice(0, 10)}!${SECRET.slice(10)}`;
    const r = runBin(["sign", "a"], {
      env: cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: broken }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(broken.slice(0, 10));
  });

  it("in an internal error with the debug stack shown (stdout on a full device)", () => {
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI}" sign alice > /dev/full`], {
      env: cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET, SINCH_TICKET_DEBUG: "1" }),
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/internal error: .*ENOSPC/);
    expect(r.stderr).toMatch(/\n\s+at /);
    assertNoSecret("internal error", r.stderr);
    const quiet = spawnSync("bash", ["-c", `"${process.execPath}" "${CLI}" sign alice > /dev/full`], {
      env: cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET }),
      encoding: "utf8",
    });
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
  });

  it("at the config init prompt, where the secret is typed", async () => {
    const home = tempHome();
    mkdirSync(join(home, ".config"), { recursive: true });
    const r = await runInTerminal(
      `${process.execPath} ${CLI} config init`,
      [
        { waitFor: /Application key/, type: `${KEY}\r` },
        { waitFor: /Application secret/, type: `${SECRET}\r` },
        { waitFor: /Webhook secret/, type: "typed-webhook-secret\r" },
      ],
      { ...cleanEnv(), HOME: home, XDG_CONFIG_HOME: join(home, ".config"), TERM: "xterm" },
    );
    expect(r.code).toBe(0);
    assertNoSecret("config init prompt", r.screen);
    expect(r.screen).not.toContain("typed-webhook-secret");
    const shown = runBin(["config", "show"], {
      env: { ...cleanEnv(), HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
    });
    expect(shown.stdout).toMatch(/\*{8} \(25 bytes\) sha256:[0-9a-f]{8}/);
    expect(shown.stdout).toMatch(/webhook secret +\*{8} \(20 bytes\) sha256:[0-9a-f]{8}/);
    assertNoSecret("config show after init", shown.stdout, shown.stderr);
    expect(shown.stdout + shown.stderr).not.toContain("typed-webhook-secret");
  });
});
