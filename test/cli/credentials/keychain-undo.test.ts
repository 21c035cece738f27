import * as fs from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tempHome } from "../../helpers/bin.js";
import { KEY, OTHER_SECRET, SECRET } from "../../helpers/constants.js";
import { runCli } from "../../helpers/io.js";
import { type SecretService, startSecretService } from "../../helpers/keyring.js";

// A config write that fails (here: the rename of the new file over the old one, as on a
// full or read-only disk) must leave the config file and the real store as they were.

const failRename = { on: false };
vi.mock("node:fs", async (original) => {
  const real = await original<typeof import("node:fs")>();
  return {
    ...real,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (failRename.on) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      return real.renameSync(from, to);
    },
  };
});

let store: SecretService;
let busBefore: string | undefined;

beforeAll(async () => {
  store = await startSecretService();
  // The binding talks to the bus named in this process's environment.
  busBefore = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = store.address;
}, 30000);

afterAll(() => {
  process.env.DBUS_SESSION_BUS_ADDRESS = busBefore;
  store?.stop();
});

function setup() {
  const home = tempHome();
  const env = { XDG_CONFIG_HOME: join(home, ".config") };
  const path = join(home, ".config", "sinch-ticket", "config.json");
  const init = (profile: string, secret: string, ...args: string[]) =>
    runCli(["config", "init", "--profile", profile, "--key", KEY, "--secret-stdin", ...args], {
      env,
      home,
      stdin: secret,
    });
  const lookup = (profile: string) => {
    const r = store.secretTool("lookup", "service", "sinch-ticket", "username", profile);
    return r.code === 0 ? r.stdout : null;
  };
  return { env, home, path, init, lookup };
}

describe("a failed config write undoes the keychain change", () => {
  it("a new keychain profile: no entry left, file unchanged", async () => {
    const { path, init, lookup } = setup();
    expect((await init("undo-first", SECRET)).code).toBe(0);
    const before = fs.readFileSync(path, "utf8");
    failRename.on = true;
    const r = await init("undo-new", SECRET).finally(() => {
      failRename.on = false;
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot write config file");
    expect(r.stderr).not.toContain(SECRET);
    expect(fs.readFileSync(path, "utf8")).toBe(before);
    expect(lookup("undo-new")).toBeNull();
    expect(lookup("undo-first")).toBe(SECRET);
  });

  it("a replaced keychain profile: the old secret is put back", async () => {
    const { path, init, lookup } = setup();
    expect((await init("undo-replace", SECRET)).code).toBe(0);
    const before = fs.readFileSync(path, "utf8");
    failRename.on = true;
    const r = await init("undo-replace", OTHER_SECRET, "--force").finally(() => {
      failRename.on = false;
    });
    expect(r.code).toBe(2);
    expect(fs.readFileSync(path, "utf8")).toBe(before);
    expect(lookup("undo-replace")).toBe(SECRET);
  });

  it("remove and migrate: the entries come back", async () => {
    const { env, home, path, init, lookup } = setup();
    expect((await init("undo-rm", SECRET)).code).toBe(0);
    expect((await init("undo-mig", OTHER_SECRET, "--store", "file")).code).toBe(0);
    const before = fs.readFileSync(path, "utf8");
    failRename.on = true;
    try {
      expect((await runCli(["config", "remove", "undo-rm"], { env, home })).code).toBe(2);
      expect((await runCli(["config", "migrate"], { env, home })).code).toBe(2);
      expect((await runCli(["config", "migrate", "--to", "file"], { env, home })).code).toBe(2);
    } finally {
      failRename.on = false;
    }
    expect(fs.readFileSync(path, "utf8")).toBe(before);
    expect(lookup("undo-rm")).toBe(SECRET);
    expect(lookup("undo-mig")).toBeNull();
  });
});

describe("the keychain's time limit", () => {
  it("takes seconds from SINCH_TICKET_KEYCHAIN_TIMEOUT and refuses anything else", async () => {
    const { keychainTimeout } = await import("../../../src/cli/credentials/keychain.js");
    expect(keychainTimeout(undefined)).toBeUndefined();
    expect(keychainTimeout("2.5")).toBe(2.5);
    for (const bad of ["abc", "0", "-1", "121"]) {
      expect(() => keychainTimeout(bad)).toThrow("SINCH_TICKET_KEYCHAIN_TIMEOUT must be a number of seconds");
    }
  });
});
