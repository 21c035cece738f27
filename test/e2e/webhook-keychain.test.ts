/**
 * A profile's webhook secret in the keychain (`"webhookSecret": {"keychain": true}`), read
 * by the built binary from a real Secret Service (gnome-keyring in its own D-Bus session).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keychain, keychainAccount } from "../../src/cli/credentials/keychain.js";
import { numbersSignature } from "../../src/index.js";
import { cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { type SecretService, startSecretService } from "../helpers/keyring.js";

let store: SecretService;

beforeAll(async () => {
  requireBuild();
  store = await startSecretService();
}, 30000);

afterAll(() => store?.stop());

describe("webhook secret in the keychain", () => {
  it("is read from the profile's keychain entry, and never shown", async () => {
    const secret = "numbers-callback-secret-in-keychain";
    const bus = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = store.address;
    try {
      await new Keychain().set("hooks", secret, "webhook");
    } finally {
      if (bus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = bus;
    }
    const env = cleanEnv({ DBUS_SESSION_BUS_ADDRESS: store.address });
    const before = store.secretTool(
      "lookup",
      "service",
      "sinch-ticket",
      "username",
      keychainAccount("hooks", "webhook"),
    );
    expect(before.stdout).toBe(secret);
    const dir = join(env.XDG_CONFIG_HOME as string, "sinch-ticket");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({ defaultProfile: "hooks", profiles: { hooks: { webhookSecret: { keychain: true } } } }),
      { mode: 0o600 },
    );
    const body = '{"eventType":"PROVISIONING_TO_SMS_PLATFORM"}';
    const text = `POST /numbers HTTP/1.1\nX-Sinch-Signature: ${numbersSignature(secret, body)}\n\n${body}`;
    const r = runBin(["request", "verify", text], { env });
    expect(r.stdout).toContain("✓ valid (Numbers webhook)");
    expect(r.code).toBe(0);
    const sent = runBin(["callback", "send", "numbers-event", "--url", "http://127.0.0.1:9/x", "--print"], { env });
    expect(sent.code).toBe(0);
    for (const out of [r, sent]) expect(out.stdout + out.stderr).not.toContain(secret);

    // Removing the profile removes its webhook secret's entry too.
    const removed = runBin(["config", "remove", "hooks"], { env });
    expect(removed.code, removed.stderr).toBe(0);
    const lookup = store.secretTool(
      "lookup",
      "service",
      "sinch-ticket",
      "username",
      keychainAccount("hooks", "webhook"),
    );
    expect(lookup.stdout).toBe("");
  });

  it("config init stores it beside the application secret; show, list and migrate handle it; never shown", () => {
    const env = cleanEnv({ DBUS_SESSION_BUS_ADDRESS: store.address });
    const hook = "webhook-secret-stored-by-init";
    const dir = env.XDG_CONFIG_HOME as string;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "hook.txt"), `${hook}\n`);
    const made = runBin(
      [
        "config",
        "init",
        "--profile",
        "wh",
        "--key",
        KEY,
        "--secret-stdin",
        "--webhook-secret-file",
        join(dir, "hook.txt"),
      ],
      { env, input: SECRET },
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain("(secret in the keychain, webhook secret in the keychain)");
    const lookup = (account: string) =>
      store.secretTool("lookup", "service", "sinch-ticket", "username", account).stdout;
    expect(lookup("webhook:wh")).toBe(hook);
    expect(lookup("wh")).toBe(SECRET);
    const configFile = join(dir, "sinch-ticket", "config.json");
    expect(JSON.parse(readFileSync(configFile, "utf8")).profiles.wh).toEqual({
      applicationKey: KEY,
      applicationSecret: { keychain: true },
      webhookSecret: { keychain: true },
    });

    const shown = runBin(["config", "show", "--json", "--profile", "wh"], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).webhookSecret).toMatchObject({
      masked: `******** (${hook.length} bytes)`,
      source: "config",
      origin: "keychain: profile 'wh'",
    });
    const listed = runBin(["config", "list", "--json"], { env });
    expect(JSON.parse(listed.stdout).profiles[0]).toMatchObject({
      secretStore: "keychain",
      webhookSecretStore: "keychain",
    });
    expect(runBin(["config", "list"], { env }).stdout).toContain(
      "(secret in the keychain)  (webhook secret in the keychain)",
    );

    const toFile = runBin(["config", "migrate", "--to", "file"], { env });
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stderr).toContain("moved the secret of 'wh' and the webhook secret of 'wh' to the config file");
    expect(JSON.parse(readFileSync(configFile, "utf8")).profiles.wh).toEqual({
      applicationKey: KEY,
      applicationSecret: SECRET,
      webhookSecret: hook,
    });
    expect(lookup("webhook:wh")).toBe("");
    expect(lookup("wh")).toBe("");

    const back = runBin(["config", "migrate", "--profile", "wh"], { env });
    expect(back.code, back.stderr).toBe(0);
    expect(lookup("webhook:wh")).toBe(hook);
    expect(readFileSync(configFile, "utf8")).not.toContain(hook);
    const body = '{"eventType":"PROVISIONING_TO_SMS_PLATFORM"}';
    const text = `POST /numbers HTTP/1.1\nX-Sinch-Signature: ${numbersSignature(hook, body)}\n\n${body}`;
    expect(runBin(["request", "verify", "--profile", "wh", text], { env }).code).toBe(0);
    for (const r of [made, shown, listed, toFile, back]) expect(r.stdout + r.stderr).not.toContain(hook);
  });

  it("a profile named 'webhook:x' never reads, overwrites or deletes profile x's webhook secret", () => {
    const env = cleanEnv({ DBUS_SESSION_BUS_ADDRESS: store.address });
    const hook = "profile-x-webhook-secret";
    const dir = env.XDG_CONFIG_HOME as string;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "hook.txt"), hook);
    const made = runBin(
      [
        "config",
        "init",
        "--profile",
        "x",
        "--key",
        KEY,
        "--secret-stdin",
        "--webhook-secret-file",
        join(dir, "hook.txt"),
      ],
      { env, input: SECRET },
    );
    expect(made.code, made.stderr).toBe(0);
    const lookup = () => store.secretTool("lookup", "service", "sinch-ticket", "username", "webhook:x").stdout;
    expect(lookup()).toBe(hook);

    // Created: refused, as every name with ':' is.
    const created = runBin(["config", "init", "--profile", "webhook:x", "--key", KEY, "--secret-stdin"], {
      env,
      input: SECRET,
    });
    expect(created.code).toBe(2);
    expect(created.stderr).toMatch(/^error: 'webhook:x' is not a profile name/);

    // Written by hand, pointing at the keychain: reading it is refused, in one line, exit 2.
    const configFile = join(dir, "sinch-ticket", "config.json");
    const config = JSON.parse(readFileSync(configFile, "utf8"));
    config.profiles["webhook:x"] = { applicationKey: "other-key", applicationSecret: { keychain: true } };
    writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
    const read = runBin(["sign", "--no-input", "--profile", "webhook:x", "alice"], { env });
    expect(read.code).toBe(2);
    expect(read.stderr).toMatch(
      /^error: profile 'webhook:x' cannot keep a secret in the keychain: ':' in a profile name is reserved there/,
    );
    expect(read.stderr.trim().split("\n")).toHaveLength(1);
    expect(read.stdout + read.stderr).not.toContain(hook);

    // Its secret written by hand in the file: migrating it to the keychain is refused when
    // named, and leaves it in the file when migrating every profile; x's entry is untouched.
    config.profiles["webhook:x"] = { applicationKey: "other-key", applicationSecret: SECRET };
    writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
    expect(runBin(["sign", "--no-input", "--profile", "webhook:x", "alice"], { env }).code).toBe(0);
    const named = runBin(["config", "migrate", "--profile", "webhook:x"], { env });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/cannot keep a secret in the keychain/);
    const all = runBin(["config", "migrate"], { env });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain("profile 'webhook:x' stays in the file");
    expect(JSON.parse(readFileSync(configFile, "utf8")).profiles["webhook:x"].applicationSecret).toBe(SECRET);
    expect(lookup()).toBe(hook);

    // Removing it (with a keychain reference written by hand) deletes no entry of x's.
    config.profiles["webhook:x"] = { applicationKey: "other-key", applicationSecret: { keychain: true } };
    writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
    const removed = runBin(["config", "remove", "webhook:x"], { env });
    expect(removed.code, removed.stderr).toBe(0);
    expect(lookup()).toBe(hook);
    expect(runBin(["config", "show", "--json", "--profile", "x"], { env }).code).toBe(0);
  });
});
