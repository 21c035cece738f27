/**
 * A profile's webhook secret in the keychain (`"webhookSecret": {"keychain": true}`), read
 * by the built binary from a real Secret Service (gnome-keyring in its own D-Bus session).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keychain } from "../../src/cli/credentials/keychain.js";
import { webhookKeychainAccount } from "../../src/cli/credentials/resolver.js";
import { numbersSignature } from "../../src/index.js";
import { cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
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
      await new Keychain().set(webhookKeychainAccount("hooks"), secret);
    } finally {
      if (bus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = bus;
    }
    const env = cleanEnv({ DBUS_SESSION_BUS_ADDRESS: store.address });
    const before = store.secretTool("lookup", "service", "sinch-ticket", "username", webhookKeychainAccount("hooks"));
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
    const lookup = store.secretTool("lookup", "service", "sinch-ticket", "username", webhookKeychainAccount("hooks"));
    expect(lookup.stdout).toBe("");
  });
});
