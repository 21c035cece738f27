/**
 * The compile cache the installed command keeps: Node's own from 22.3 on (turned on by
 * bin/sinch-ticket.cjs), and on Node 20 dist/compile-cache.cjs, which keeps V8's code of
 * the command line's own files in the user's cache folder. The cache module is tested on
 * every Node through a launcher that turns it on as the bin does on Node 20.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { memoryDevice } from "../../src/cli/terminal/io.js";
import { CLI, cleanEnv, requireBuild } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";

beforeAll(requireBuild);

const DIST = fileURLToPath(new URL("../../dist", import.meta.url));
/** Starts the command line in `dist` with its compile-cache.cjs turned on, as the bin does on Node 20. */
const launcher = (dist: string) =>
  `require(${JSON.stringify(join(dist, "compile-cache.cjs"))}).enableCompileCache(${JSON.stringify(join(dist, "cli.cjs"))}, { loader: module.constructor });
require(${JSON.stringify(join(dist, "cli.cjs"))}).main();`;

const creds = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };

function launch(args: string[], env: Record<string, string>, dist = DIST, prefix: string[] = []) {
  // `node -e LAUNCHER x args`: argv is [node, x, ...args], as from the bin (argv[1] the script).
  const command = [...prefix, process.execPath, "-e", launcher(dist), "x", ...args];
  const r = spawnSync(command[0] as string, command.slice(1), { env, encoding: "utf8", input: "" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the build's top-level files, to change under the cache. */
function distCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "st-dist-"));
  for (const name of readdirSync(DIST)) if (name.endsWith(".cjs")) copyFileSync(join(DIST, name), join(dir, name));
  return dir;
}

/** The one folder of entries under a cache root (node-<version>-<arch>/<copy>/). */
function entriesFolder(root: string): string {
  const [version] = readdirSync(root);
  const [copy] = readdirSync(join(root, version as string));
  return join(root, version as string, copy as string);
}

const inodes = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).ino]));

/** The start-up file's entry (cli.cjs, the command line's first file). */
const appEntry = (dir: string) => readdirSync(dir).find((n) => /^cli\.cjs\..*\.v8$/.test(n)) as string;
/** The kinds of run the entries hold, after the line that names the build. */
const kinds = (dir: string) => {
  const [build, ...rest] = readFileSync(join(dir, "runs"), "utf8").split("\n");
  expect(build).toMatch(/^build \d+\.\d+\.\d+\.\d+$/);
  return rest.join("\n");
};

describe("the compile cache of dist/compile-cache.cjs", () => {
  it("writes the entries of the files a run loaded, 0600 in a folder of 0700, and a list of the kinds of run they hold", () => {
    const env = cleanEnv(creds);
    const first = launch(["sign", "--no-input", "alice"], env);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    const dir = entriesFolder(join(env.HOME as string, ".cache", "sinch-ticket"));
    const names = readdirSync(dir);
    expect(names).toContain("runs");
    // Named by the file's size, inode, modification and change times.
    expect(names.some((n) => /^cli\.cjs\.\d+\.\d+\.\d+\.\d+\.v8$/.test(n))).toBe(true);
    expect(appEntry(dir)).toBeDefined();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of names) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    // The build is named by its first file's identity, as the entries are.
    const stamp = /^cli\.cjs\.(.+)\.v8$/.exec(appEntry(dir))?.[1];
    expect(readFileSync(join(dir, "runs"), "utf8")).toBe(`build ${stamp}\nsign --no-input\n`);
  });

  it("does not write again for a kind of run seen before; a new kind (command and options) writes every file it loaded again", () => {
    const env = cleanEnv(creds);
    const ticket = launch(["sign", "--no-input", "alice"], env).stdout.trim();
    const dir = entriesFolder(join(env.HOME as string, ".cache", "sinch-ticket"));
    const before = inodes(dir);
    expect(launch(["sign", "--no-input", "bob"], env).code).toBe(0);
    expect(inodes(dir)).toEqual(before);
    expect(launch(["verify", "--ignore-time", ticket], env)).toMatchObject({ code: 0, stderr: "" });
    const afterVerify = inodes(dir);
    expect(afterVerify[appEntry(dir)]).not.toBe(before[appEntry(dir)]);
    // The same command with other options runs other code: another kind.
    expect(launch(["sign", "--json", "--no-input", "carol"], env).code).toBe(0);
    expect(inodes(dir)[appEntry(dir)]).not.toBe(afterVerify[appEntry(dir)]);
    // No command at all (--version, a pasted ticket) is a kind too; a failed run is none.
    expect(launch(["--version"], env).code).toBe(0);
    const listed = inodes(dir);
    expect(launch(["--version"], env).code).toBe(0);
    expect(launch(["verify", "--no-such-option"], env).code).toBe(2);
    expect(inodes(dir)).toEqual(listed);
    expect(kinds(dir)).toBe("sign --no-input\nverify --ignore-time\nsign --json --no-input\n- --version\n");
  });

  it("gives the same output with the cache, without it, and with an entry V8 rejects (which it writes again)", () => {
    const env = cleanEnv(creds);
    const args = ["sign", "--no-input", "--created", "2026-01-01T00:00:00Z", "alice"];
    const fresh = launch(args, env);
    const cached = launch(args, env);
    const without = launch(args, { ...env, NODE_DISABLE_COMPILE_CACHE: "1" });
    const dir = entriesFolder(join(env.HOME as string, ".cache", "sinch-ticket"));
    const entry = join(dir, appEntry(dir));
    const garbage = Buffer.alloc(statSync(entry).size, 0x5a);
    writeFileSync(entry, garbage);
    const rejected = launch(args, env);
    for (const r of [fresh, cached, without, rejected])
      expect(r).toEqual({ code: 0, stdout: fresh.stdout, stderr: "" });
    expect(fresh.stdout).toMatch(/^[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
    expect(readFileSync(entry).equals(garbage)).toBe(false);
  });

  it("turns off with NODE_DISABLE_COMPILE_CACHE, and NODE_COMPILE_CACHE names its folder, as they do Node's", () => {
    const env = cleanEnv(creds);
    expect(launch(["sign", "--no-input", "alice"], { ...env, NODE_DISABLE_COMPILE_CACHE: "1" }).code).toBe(0);
    expect(existsSync(join(env.HOME as string, ".cache"))).toBe(false);
    const root = mkdtempSync(join(tmpdir(), "st-cc-"));
    expect(launch(["sign", "--no-input", "alice"], { ...env, NODE_COMPILE_CACHE: root }).code).toBe(0);
    expect(readdirSync(entriesFolder(root))).toContain("runs");
    expect(existsSync(join(env.HOME as string, ".cache"))).toBe(false);
  });

  it("neither reads nor writes a folder that group or others can write to", () => {
    const env = cleanEnv(creds);
    const args = ["sign", "--no-input", "--created", "2026-01-01T00:00:00Z", "alice"];
    const good = launch(args, env);
    const dir = entriesFolder(join(env.HOME as string, ".cache", "sinch-ticket"));
    chmodSync(dir, 0o770);
    const entry = join(dir, appEntry(dir));
    writeFileSync(entry, Buffer.alloc(statSync(entry).size, 0x5a));
    const before = inodes(dir);
    // A command not in the list would write every entry again, if the folder were used.
    expect(launch(["decode", good.stdout.trim()], env).code).toBe(0);
    expect(launch(args, env)).toEqual(good);
    expect(inodes(dir)).toEqual(before);
    expect(kinds(dir)).toBe("sign --created --no-input\n");
  });

  it("makes no home folder that is not there (HOME set to nowhere), nor the one NODE_COMPILE_CACHE is in", () => {
    const env = cleanEnv(creds);
    const nowhere = join(env.HOME as string, "gone", "home");
    const r = launch(["sign", "--no-input", "alice"], { ...env, HOME: nowhere, XDG_CONFIG_HOME: env.HOME as string });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(existsSync(join(env.HOME as string, "gone"))).toBe(false);
    const elsewhere = join(env.HOME as string, "none", "cache");
    expect(launch(["sign", "--no-input", "alice"], { ...env, NODE_COMPILE_CACHE: elsewhere }).code).toBe(0);
    // (Node 22.1 and later make that folder themselves when the variable is set: their own cache.)
    expect(existsSync(join(env.HOME as string, "none"))).toBe("enableCompileCache" in nodeModule);
    // An existing home whose .cache is not there yet gets one, as caches do.
    expect(existsSync(join(env.HOME as string, ".cache"))).toBe(false);
    expect(launch(["sign", "--no-input", "alice"], env).code).toBe(0);
    expect(existsSync(join(env.HOME as string, ".cache", "sinch-ticket"))).toBe(true);
  });

  it("says nothing and runs as usual where no folder can be made", () => {
    const env = cleanEnv(creds);
    const file = join(env.HOME as string, "not-a-folder");
    writeFileSync(file, "");
    const r = launch(["sign", "--no-input", "alice"], { ...env, XDG_CACHE_HOME: file });
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });

  it("drops the entries of files that are gone", () => {
    const env = cleanEnv(creds);
    const ticket = launch(["sign", "--no-input", "alice"], env).stdout.trim();
    const dir = entriesFolder(join(env.HOME as string, ".cache", "sinch-ticket"));
    writeFileSync(join(dir, "app-gone.cjs.100.1.2.3.v8"), "old", { mode: 0o600 });
    expect(launch(["decode", ticket], env).code).toBe(0);
    expect(readdirSync(dir)).not.toContain("app-gone.cjs.100.1.2.3.v8");
  });

  it("never runs a file's old code after it changed, even to the same size and modification time", () => {
    const env = cleanEnv(creds);
    const dist = distCopy();
    const then = new Date("2026-01-01T00:00:00Z");
    for (const name of readdirSync(dist)) utimesSync(join(dist, name), then, then);
    const cli = join(dist, "cli.cjs");
    const { version } = JSON.parse(readFileSync(join(DIST, "..", "package.json"), "utf8"));
    const other = version.replace(/\d/g, (d: string) => String((Number(d) + 1) % 10));
    expect(launch(["--version"], env, dist)).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    // A new build of the same size, unpacked with the old modification times (as tar -x,
    // cp -a and rsync -a keep them): V8 would run the cached code of the old one.
    const size = statSync(cli).size;
    const source = readFileSync(cli, "utf8");
    expect(source.split(`\`${version}\``).length).toBe(2);
    writeFileSync(cli, source.replace(`\`${version}\``, `\`${other}\``));
    utimesSync(cli, then, then);
    expect(statSync(cli)).toMatchObject({ size, mtimeMs: then.getTime() });
    expect(launch(["--version"], env, dist)).toEqual({ code: 0, stdout: `${other}\n`, stderr: "" });
  });

  it("starts its list of kinds of run again for a new build, whose entries hold only the runs since", () => {
    const env = cleanEnv(creds);
    const dist = distCopy();
    const cli = join(dist, "cli.cjs");
    expect(launch(["sign", "--no-input", "alice"], env, dist).code).toBe(0);
    const dir = entriesFolder(join(env.HOME as string, ".cache", "sinch-ticket"));
    expect(kinds(dir)).toBe("sign --no-input\n");
    // Reinstalled: the same files, written anew.
    copyFileSync(cli, `${cli}.new`);
    renameSync(`${cli}.new`, cli);
    expect(launch(["--version"], env, dist).code).toBe(0);
    expect(kinds(dir)).toBe("- --version\n");
    // `sign` is a new kind again for the new build: its code is written to the entry.
    const before = inodes(dir)[appEntry(dir)];
    expect(launch(["sign", "--no-input", "bob"], env, dist).code).toBe(0);
    expect(inodes(dir)[appEntry(dir)]).not.toBe(before);
    expect(kinds(dir)).toBe("- --version\nsign --no-input\n");
  });

  it.runIf(process.getuid?.() === 0)("reads no folder and no entry another user owns", () => {
    const env = cleanEnv(creds);
    const args = ["sign", "--no-input", "--created", "2026-01-01T00:00:00Z", "alice"];
    const good = launch(args, env);
    const dir = entriesFolder(join(env.HOME as string, ".cache", "sinch-ticket"));
    // A valid entry owned by another user: were it read, V8 would take it and nothing
    // would be written again; refused, it is made again, owned by this user.
    // (`sign` has run: only what had no entry it could use is written.)
    const entry = join(dir, appEntry(dir));
    chownSync(entry, 54321, 54321);
    expect(launch(args, env)).toEqual(good);
    expect(statSync(join(dir, appEntry(dir))).uid).toBe(0);
    // A folder owned by another user is neither read nor written.
    chownSync(dir, 54321, 54321);
    const before = inodes(dir);
    expect(launch(["decode", good.stdout.trim()], env).code).toBe(0);
    expect(inodes(dir)).toEqual(before);
  });

  it.runIf(process.getuid?.() === 0 && existsSync("/usr/bin/setpriv"))(
    "runs without a cache for a user with no home folder",
    () => {
      const dist = distCopy();
      chmodSync(dist, 0o755);
      // No HOME, and a user id with no entry in /etc/passwd: Node cannot say where home is.
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...creds };
      const nobody = ["setpriv", "--reuid=54321", "--regid=54321", "--clear-groups", "--"];
      const r = launch(["sign", "--no-input", "alice"], env, dist, nobody);
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(r.stdout).toMatch(/^[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=\n$/);
    },
  );
});

describe("the installed command's compile cache", () => {
  it(`is ${"enableCompileCache" in nodeModule ? "Node's own" : "dist/compile-cache.cjs"} on Node ${process.versions.node}`, () => {
    const env = cleanEnv(creds);
    const root = mkdtempSync(join(tmpdir(), "st-cc-"));
    const r = spawnSync(process.execPath, [CLI, "sign", "--no-input", "alice"], {
      env: { ...env, NODE_COMPILE_CACHE: root },
      encoding: "utf8",
    });
    expect(r).toMatchObject({ status: 0, stderr: "" });
    const folders = readdirSync(root);
    expect(folders.length).toBe(1);
    // Ours is named for the Node version; Node's own for its V8 and flags.
    expect(folders[0]?.startsWith(`node-${process.version}-`)).toBe(!("enableCompileCache" in nodeModule));
  });
});

describe("/dev/null", () => {
  it("is no terminal on Linux (a memory device, major number 1); /dev/tty is asked", () => {
    expect(memoryDevice(statSync("/dev/null").rdev, "linux")).toBe(process.platform === "linux");
    expect(memoryDevice(0x103, "linux")).toBe(true);
    expect(memoryDevice(0x500, "linux")).toBe(false);
    expect(memoryDevice(0x8800, "linux")).toBe(false);
    expect(memoryDevice(0x103, "darwin")).toBe(false);
  });

  it.runIf(process.platform === "linux")("takes verify's output without creating Node's stdout stream", () => {
    const env = cleanEnv(creds);
    const ticket = spawnSync(process.execPath, [CLI, "sign", "--no-input", "alice"], { env, encoding: "utf8" }).stdout;
    const list = join(env.HOME as string, "modules.txt");
    const preload = join(env.HOME as string, "list.cjs");
    writeFileSync(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join("\\n")));`,
    );
    const devNull = openSync("/dev/null", "w");
    try {
      const r = spawnSync(process.execPath, ["-r", preload, CLI, "verify", ticket.trim()], {
        env,
        stdio: ["ignore", devNull, "pipe"],
        encoding: "utf8",
      });
      expect(r).toMatchObject({ status: 0, stderr: "" });
    } finally {
      closeSync(devNull);
    }
    const loaded = readFileSync(list, "utf8").split("\n");
    expect(loaded).toContain("NativeModule crypto");
    expect(loaded).not.toContain("NativeModule internal/fs/sync_write_stream");
    expect(loaded).not.toContain("NativeModule tty");
  });
});
