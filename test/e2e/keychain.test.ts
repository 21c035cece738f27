import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BinResult, CLI, cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
import { KEY, NOW, OTHER_SECRET, SECRET } from "../helpers/constants.js";
import { type SecretService, startSecretService } from "../helpers/keyring.js";

// The built binary against a real Secret Service (gnome-keyring in its own D-Bus session).

const CREATED = NOW.toISOString();
let store: SecretService;

beforeAll(async () => {
  requireBuild();
  store = await startSecretService();
}, 30000);

afterAll(() => store?.stop());

/** An environment in the store's session with a config file of its own. */
function sessionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv({ DBUS_SESSION_BUS_ADDRESS: store.address, ...extra });
}

function configOf(env: Record<string, string>): string {
  return readFileSync(join(env.XDG_CONFIG_HOME as string, "sinch-ticket", "config.json"), "utf8");
}

function init(env: Record<string, string>, profile: string, secret: string, ...args: string[]): BinResult {
  return runBin(["config", "init", "--profile", profile, "--key", KEY, "--secret-stdin", ...args], {
    env,
    input: secret,
  });
}

/** What the store holds for a profile, read with secret-tool. */
function inStore(profile: string): string | null {
  const r = store.secretTool("lookup", "service", "sinch-ticket", "username", profile);
  return r.code === 0 ? r.stdout : null;
}

function expectNoSecret(...results: BinResult[]): void {
  for (const r of results) {
    for (const secret of [SECRET, OTHER_SECRET]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  }
}

const signed = (env: Record<string, string>, ...args: string[]) =>
  runBin(["sign", "--no-input", "--created", CREATED, ...args, "alice"], { env });

describe("secrets in the keychain", () => {
  it("init stores the secret in the store, and every command reads it from there", () => {
    const env = sessionEnv();
    const made = init(env, "kc-main", SECRET);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain("(secret in the keychain)");
    const file = configOf(env);
    expect(file).not.toContain(SECRET);
    expect(JSON.parse(file).profiles["kc-main"]).toEqual({
      applicationKey: KEY,
      applicationSecret: { keychain: true },
    });
    expect(inStore("kc-main")).toBe(SECRET);

    // The same ticket as from the secret in the environment, byte for byte.
    const fromStore = signed(env);
    const fromEnv = signed(cleanEnv({ SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET }));
    expect(fromStore.code, fromStore.stderr).toBe(0);
    expect(fromStore.stdout).toBe(fromEnv.stdout);

    const verified = runBin(["verify", "--now", CREATED, fromStore.stdout.trim()], { env });
    expect(verified.code, verified.stderr).toBe(0);

    const shown = runBin(["config", "show", "--json"], { env });
    expect(JSON.parse(shown.stdout).applicationSecret).toMatchObject({
      source: "config",
      origin: "keychain: profile 'kc-main'",
    });
    const listed = runBin(["config", "list", "--json"], { env });
    expect(JSON.parse(listed.stdout).profiles).toEqual([
      {
        name: "kc-main",
        applicationKey: KEY,
        hasSecret: true,
        secretStore: "keychain",
        webhookSecretStore: null,
        default: true,
      },
    ]);
    expectNoSecret(made, fromStore, verified, shown, listed);
  });

  it("remove deletes the store's entry too", () => {
    const env = sessionEnv();
    expect(init(env, "kc-gone", SECRET).code).toBe(0);
    expect(inStore("kc-gone")).toBe(SECRET);
    const removed = runBin(["config", "remove", "kc-gone"], { env });
    expect(removed.code, removed.stderr).toBe(0);
    expect(inStore("kc-gone")).toBeNull();
    expect(JSON.parse(configOf(env)).profiles).toEqual({});
  });

  it("migrate moves secrets to the keychain and back to the file", () => {
    const env = sessionEnv();
    expect(init(env, "kc-a", SECRET, "--store", "file").code).toBe(0);
    expect(init(env, "kc-b", OTHER_SECRET, "--store", "file").code).toBe(0);
    expect(inStore("kc-a")).toBeNull();

    const toStore = runBin(["config", "migrate"], { env });
    expect(toStore.code, toStore.stderr).toBe(0);
    expect(toStore.stderr).toContain("moved the secret of 'kc-a', 'kc-b' to the keychain");
    expect(configOf(env)).not.toContain(SECRET);
    expect(configOf(env)).not.toContain(OTHER_SECRET);
    expect([inStore("kc-a"), inStore("kc-b")]).toEqual([SECRET, OTHER_SECRET]);

    const back = runBin(["config", "migrate", "--to", "file", "--profile", "kc-b"], { env });
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(configOf(env)).profiles["kc-b"].applicationSecret).toBe(OTHER_SECRET);
    expect(inStore("kc-b")).toBeNull();
    expect(inStore("kc-a")).toBe(SECRET);

    const again = runBin(["config", "migrate", "--profile", "kc-a"], { env });
    expect(again.stderr).toContain("nothing to move");
    expectNoSecret(toStore, back, again);
  });

  it("replacing a keychain profile with a file-held secret leaves no entry behind", () => {
    const env = sessionEnv();
    expect(init(env, "kc-swap", SECRET).code).toBe(0);
    const swapped = init(env, "kc-swap", OTHER_SECRET, "--store", "file", "--force");
    expect(swapped.code, swapped.stderr).toBe(0);
    expect(inStore("kc-swap")).toBeNull();
    expect(JSON.parse(configOf(env)).profiles["kc-swap"].applicationSecret).toBe(OTHER_SECRET);
  });

  it("concurrent init runs leave every profile and every entry", async () => {
    const env = sessionEnv();
    const names = Array.from({ length: 6 }, (_, i) => `kc-race-${i}`);
    const codes = await Promise.all(
      names.map(
        (name) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(
              process.execPath,
              [CLI, "config", "init", "--profile", name, "--key", `key-${name}`, "--secret-stdin"],
              { env, stdio: ["pipe", "ignore", "ignore"] },
            );
            child.stdin.end(SECRET);
            child.on("exit", resolve);
          }),
      ),
    );
    expect(codes).toEqual(names.map(() => 0));
    const profiles = JSON.parse(configOf(env)).profiles;
    for (const name of names) {
      expect(profiles[name]).toEqual({ applicationKey: `key-${name}`, applicationSecret: { keychain: true } });
      expect(inStore(name)).toBe(SECRET);
    }
  });

  it("an entry deleted behind the tool's back: exit 2 naming the profile and the fix", () => {
    const env = sessionEnv();
    expect(init(env, "kc-lost", SECRET).code).toBe(0);
    expect(store.secretTool("clear", "service", "sinch-ticket", "username", "kc-lost").code).toBe(0);
    const r = signed(env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("profile 'kc-lost' keeps its secret in the keychain, but the entry is gone");
    expect(r.stderr).toContain("sinch-ticket config init --profile kc-lost --force");
  });
});

describe("a store that is locked, silent or missing", () => {
  // A hang would end in runBin's own kill (no exit code), failing the test: the outcome is
  // checked, not the seconds it took, which depend on the machine.
  it("a store that does not answer: exit 2 saying so, never a hang", () => {
    const env = sessionEnv();
    expect(init(env, "kc-silent", SECRET).code).toBe(0);
    const pid = store.daemonPid();
    process.kill(pid, "SIGSTOP");
    try {
      const r = signed(env, "--profile", "kc-silent");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^error: profile 'kc-silent' keeps its secret in the keychain, but the credential store did not answer/,
      );
      // init does not wait either: the secret goes to the file, and it says so.
      const fallback = init(env, "kc-silent-2", SECRET, "--force");
      expect(fallback.code, fallback.stderr).toBe(0);
      expect(fallback.stderr).toContain("did not answer");
      expect(fallback.stderr).toContain("(secret in the file)");
      expectNoSecret(r, fallback);
    } finally {
      process.kill(pid, "SIGCONT");
    }
  }, 40000);

  it("a locked store: reads exit 2, --store keychain exits 2, the default falls back to the file", async () => {
    const env = sessionEnv();
    expect(init(env, "kc-locked", SECRET).code).toBe(0);
    await store.lock();
    try {
      const before = configOf(env);
      const r = signed(env, "--profile", "kc-locked");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("profile 'kc-locked' keeps its secret in the keychain, but the keychain is locked");
      expect(r.stderr).toContain("unlock it");

      const forced = init(env, "kc-locked-2", SECRET, "--store", "keychain");
      expect(forced.code).toBe(2);
      expect(forced.stderr).toContain("cannot store the secret of profile 'kc-locked-2' in the keychain");
      expect(configOf(env)).toBe(before);

      const fallback = init(env, "kc-locked-3", SECRET);
      expect(fallback.code, fallback.stderr).toBe(0);
      expect(fallback.stderr).toContain("the keychain is locked");
      expect(JSON.parse(configOf(env)).profiles["kc-locked-3"].applicationSecret).toBe(SECRET);

      // Removing a keychain profile needs its entry: nothing changes while locked.
      const removed = runBin(["config", "remove", "kc-locked"], { env });
      expect(removed.code).toBe(2);
      expect(JSON.parse(configOf(env)).profiles["kc-locked"]).toBeDefined();
      expectNoSecret(r, forced, fallback, removed);
    } finally {
      await store.unlock();
    }
    expect(inStore("kc-locked")).toBe(SECRET);
  }, 40000);

  it("no D-Bus session at all: init falls back to the file, a keychain profile exits 2", () => {
    const withStore = sessionEnv();
    expect(init(withStore, "kc-nobus", SECRET).code).toBe(0);
    const noBus = { ...withStore, DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/bus" };
    const r = signed(noBus, "--profile", "kc-nobus");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("profile 'kc-nobus' keeps its secret in the keychain, but no credential store answered");
    expect(r.stderr).toContain("--store file");

    const env = cleanEnv();
    const made = init(env, "plain", SECRET);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain("no credential store answered");
    expect(JSON.parse(configOf(env)).profiles.plain.applicationSecret).toBe(SECRET);
    expect(init(env, "strict", SECRET, "--store", "keychain").code).toBe(2);
    expectNoSecret(r, made);
  });

  it("without the binding (no prebuilt binary): file secrets work, keychain profiles say why", () => {
    // The bundle alone, with no node_modules anywhere above it.
    const dir = mkdtempSync(join(tmpdir(), "st-nobinding-"));
    try {
      cpSync(join(CLI, "..", "..", "dist"), join(dir, "dist"), { recursive: true });
      cpSync(join(CLI, ".."), join(dir, "bin"), { recursive: true });
      const cli = join(dir, "bin", "sinch-ticket.cjs");
      const env = sessionEnv();
      expect(init(env, "kc-bound", SECRET).code).toBe(0);
      const run = (args: string[], input = "") => {
        const r = spawnSync(process.execPath, [cli, ...args], { env, input, encoding: "utf8", cwd: dir });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      const r = run(["sign", "--no-input", "--profile", "kc-bound", "alice"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("the keychain binding (@napi-rs/keyring) could not load");
      const made = run(["config", "init", "--profile", "filed", "--key", KEY, "--secret-stdin"], SECRET);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stderr).toContain("could not load");
      expect(run(["sign", "--no-input", "--profile", "filed", "alice"]).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
