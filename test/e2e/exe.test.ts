/**
 * The standalone executable (`npm run build:exe`), built here with the Node running the
 * tests, copied alone into an empty folder and run with a PATH that holds no Node and no
 * node_modules anywhere near: every kind of command, batch mode on worker threads, the
 * servers, the keychain's native addon, the licences.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuild } from "../helpers/bin.js";
import { KEY, NOW, SECRET } from "../helpers/constants.js";
import { type SecretService, startSecretService } from "../helpers/keyring.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const built = join(root, "dist", "exe", process.platform === "win32" ? "sinch-ticket.exe" : "sinch-ticket");

let folder: string;
let exe: string;
/** A PATH with one empty folder in it: no node, no npm, nothing. */
let emptyPath: string;

beforeAll(() => {
  requireBuild();
  execFileSync(process.execPath, [join(root, "scripts", "build-exe.mjs")], { cwd: root, stdio: "ignore" });
  folder = mkdtempSync(join(tmpdir(), "st-exe-"));
  exe = join(folder, "sinch-ticket");
  copyFileSync(built, exe);
  emptyPath = join(folder, "empty-bin");
  mkdirSync(emptyPath);
}, 600_000);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of every run: a HOME and config of its own, nothing from this shell. */
function exeEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(folder, "home-"));
  mkdirSync(join(home, "tmp"));
  return {
    PATH: emptyPath,
    HOME: home,
    TMPDIR: join(home, "tmp"),
    XDG_CONFIG_HOME: join(home, ".config"),
    DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/sinch-ticket-test-bus",
    ...extra,
  };
}

function run(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Result {
  const r = spawnSync(exe, args, {
    cwd: folder,
    env: options.env ?? exeEnv(),
    input: options.input ?? "",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Worker threads Node started, as NODE_DEBUG=worker reports them (`eval`: from code, not a file). */
function workersStarted(stderr: string): { fromCode: number; fromFile: number } {
  const lines = stderr.split("\n").filter((l) => /instantiating Worker\. url: /.test(l));
  return {
    fromCode: lines.filter((l) => /doEval: classic/.test(l)).length,
    fromFile: lines.filter((l) => !/doEval: classic/.test(l)).length,
  };
}

/** Starts a server command and waits for the URL it prints first. */
async function startServer(
  args: string[],
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(exe, args, { cwd: folder, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const line = /^(http:\/\/\S+)\n/.exec(out);
      if (line) resolve(line[1] as string);
    });
    exited.then((code) => reject(new Error(`${args[0]} exited ${code} before it was ready: ${err}`)));
  });
  return {
    url,
    child,
    stderr: () => err,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

describe("the standalone executable, alone in a folder, with no Node on PATH", () => {
  it("is one file, and no Node is to be found on its PATH", () => {
    expect(readdirSync(folder).filter((f) => !f.startsWith("home-"))).toEqual(["empty-bin", "sinch-ticket"]);
    expect(readdirSync(emptyPath)).toEqual([]);
    const node = spawnSync("node", ["-e", "0"], { env: { PATH: emptyPath } });
    expect((node.error as NodeJS.ErrnoException | undefined)?.code).toBe("ENOENT");
  });

  it("says in --version that it is the executable and which Node it carries", () => {
    const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;
    const r = run(["--version"]);
    expect(r).toEqual({ code: 0, stdout: `${version} (standalone executable, Node ${process.version})\n`, stderr: "" });
  });

  it("carries the licences of Node and of every bundled package, also written beside it", () => {
    const r = run(["--licenses"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, "dist", "exe", "LICENSES.txt"), "utf8"));
    expect(r.stdout).toContain(`Node.js ${process.version} (MIT and others)`);
    expect(r.stdout).toMatch(/Node\.js is licensed for use as follows:/);
    // Every package the npm build bundles is bundled here too.
    const npmNotices = readFileSync(join(root, "dist", "THIRD_PARTY_LICENSES.txt"), "utf8");
    for (const [name] of npmNotices.matchAll(/^(@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?@\d+\.\d+\.\d+[^ ]*) \(/gm)) {
      expect(r.stdout).toContain(name);
    }
    expect(run(["--help"]).stdout).toContain("--licenses");
  });

  it("signs, verifies and decodes", () => {
    const signed = run(["sign", "--demo", "--no-input", "--created", NOW.toISOString(), "alice"]);
    expect(signed.code).toBe(0);
    const ticket = signed.stdout.trim();
    expect(ticket).toMatch(/^ey[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]{43}=$/);
    const verified = run(["verify", "--demo", "--ignore-time", "--json", ticket]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, code: "valid" });
    const decoded = run(["decode", "--json", ticket]);
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain('"endpoint": "alice"');
    expect(run(["verify", "--demo", "--ignore-time", `${ticket.slice(0, -3)}AA=`]).code).not.toBe(0);
  });

  it("keeps the compiled code of its parts in the user's cache folder, named by itself, and runs the same from it", () => {
    const env = exeEnv();
    const args = ["sign", "--demo", "--no-input", "--created", NOW.toISOString(), "alice"];
    const first = run(args, { env });
    const root = join(env.HOME as string, ".cache", "sinch-ticket");
    const [version] = readdirSync(root);
    const [copy] = readdirSync(join(root, version as string));
    const dir = join(root, version as string, copy as string);
    // Named by the executable's size, inode, modification and change times.
    const s = statSync(exe, { bigint: true });
    const entries = readdirSync(dir).filter((n) => n.endsWith(".v8"));
    expect(entries.length).toBeGreaterThan(0);
    for (const name of entries) expect(name).toMatch(`.cjs.${s.size}.${s.ino}.${s.mtimeNs}.${s.ctimeNs}.v8`);
    // The build is the executable itself.
    expect(readFileSync(join(dir, "runs"), "utf8")).toBe(
      `build ${s.size}.${s.ino}.${s.mtimeNs}.${s.ctimeNs}\nsign --created --demo --no-input\n`,
    );
    const before = Object.fromEntries(entries.map((n) => [n, statSync(join(dir, n)).ino]));
    expect(run(args, { env })).toEqual(first);
    expect(Object.fromEntries(entries.map((n) => [n, statSync(join(dir, n)).ino]))).toEqual(before);
    const without = exeEnv({ NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(run(args, { env: without })).toEqual(first);
    expect(readdirSync(without.HOME as string)).not.toContain(".cache");
  });

  it("signs and verifies in batch mode on worker threads started from the code it carries", () => {
    const count = 20_000;
    writeFileSync(join(folder, "users.txt"), Array.from({ length: count }, (_, i) => `user-${i}\n`).join(""));
    const sign = (extra: Record<string, string>) =>
      run(["sign", "--demo", "--created", NOW.toISOString(), "--batch", "users.txt"], { env: exeEnv(extra) });
    const threaded = sign({ NODE_DEBUG: "worker" });
    const single = sign({ SINCH_TICKET_WORKERS: "0" });
    expect(threaded.code).toBe(0);
    expect(threaded.stdout.split("\n")).toHaveLength(count + 1);
    expect(threaded.stdout).toBe(single.stdout);
    const started = workersStarted(threaded.stderr);
    expect(started.fromCode).toBeGreaterThan(0);
    expect(started.fromFile).toBe(0);

    writeFileSync(join(folder, "tickets.ndjson"), threaded.stdout);
    const verified = run(["verify", "--demo", "--ignore-time", "--batch", "tickets.ndjson"], {
      env: exeEnv({ NODE_DEBUG: "worker" }),
    });
    expect(verified.code).toBe(0);
    expect(verified.stderr).toContain(`verified ${count} tickets: ${count} valid, 0 invalid`);
    expect(workersStarted(verified.stderr).fromCode).toBeGreaterThan(0);
  });

  it("signs a REST request and verifies it again", () => {
    writeFileSync(join(folder, "body.json"), '{"method":"ttsCallout"}');
    const signed = run([
      "request",
      "sign",
      "POST",
      "https://calling.api.sinch.com/calling/v1/callouts",
      "--body-file",
      "body.json",
      "--curl",
      "--demo",
    ]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/^curl /);
    const verified = run(["request", "verify", "--demo", "--json", "-"], { input: signed.stdout });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, code: "valid" });
    // The curl command names the body's file: a changed body no longer matches.
    writeFileSync(join(folder, "body.json"), '{"method":"conferenceCallout"}');
    const tampered = run(["request", "verify", "--demo", "--json", "-"], { input: signed.stdout });
    expect(JSON.parse(tampered.stdout)).toMatchObject({ valid: false, code: "bad_signature" });
    expect(tampered.code).not.toBe(0);
  });

  it("sends a signed callback to a receiver on this machine", async () => {
    const received: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.setHeader("content-type", "application/json");
        res.end('{"action":{"name":"continue"}}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    try {
      const r = await new Promise<Result>((resolve) => {
        const child = spawn(exe, ["callback", "send", "ace", "--url", `http://127.0.0.1:${port}/sinch/ace`, "--demo"], {
          cwd: folder,
          env: exeEnv(),
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('HTTP/1.1 200 OK\n{"action":{"name":"continue"}}\n');
      expect(received).toHaveLength(1);
      const [one] = received;
      expect(one?.method).toBe("POST");
      expect(one?.url).toBe("/sinch/ace");
      expect(one?.headers.authorization).toMatch(/^application demo-application-key:/i);
      // What the receiver got is a request the executable itself judges valid.
      const raw = [
        `POST ${one?.url} HTTP/1.1`,
        ...Object.entries(one?.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        "",
        one?.body,
      ].join("\r\n");
      const verdict = run(["request", "verify", "--demo", "--json", "-"], { input: raw });
      expect(JSON.parse(verdict.stdout)).toMatchObject({ valid: true, code: "valid" });
    } finally {
      receiver.close();
    }
  });

  it("serve starts, prints its URL and answers a login, checking the password on its worker thread", async () => {
    writeFileSync(join(folder, "users"), `alice:${bcrypt.hashSync("right", 5)}\n`);
    const server = await startServer(
      ["serve", "--port", "0", "--htpasswd", "users", "--demo"],
      exeEnv({ NODE_DEBUG: "worker" }),
    );
    try {
      const login = (password: string) =>
        fetch(`${server.url}/api/auth?username=alice&password=${password}`, { method: "POST" });
      const ok = await login("right");
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { userTicket: string }).userTicket).toMatch(/^ey/);
      expect((await login("wrong")).status).toBe(403);
      expect(workersStarted(server.stderr()).fromCode).toBeGreaterThan(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("inspect --no-open starts, prints its URL and serves the page it carries", async () => {
    const server = await startServer(["inspect", "--no-open", "--port", "0", "--demo"], exeEnv());
    try {
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      // The page as carried, with the credentials it starts with filled in.
      const html = readFileSync(join(root, "dist", "inspect", "index.html"), "utf8");
      expect((await page.text()).replace(/data-profiles="[^"]*"/, 'data-profiles=""')).toBe(html);
      for (const name of ["app.js", "app.css"]) {
        const file = await fetch(new URL(`/${name}`, server.url));
        expect(file.status).toBe(200);
        expect(await file.text()).toBe(readFileSync(join(root, "dist", "inspect", name), "utf8"));
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("callback listen checks requests on its worker thread", async () => {
    const listener = await startServer(
      ["callback", "listen", "--port", "0", "--json", "--demo"],
      exeEnv({ NODE_DEBUG: "worker" }),
    );
    try {
      const sent = run(["callback", "send", "pie", "--url", `${listener.url}/pie`, "--demo"]);
      expect(sent.code).toBe(0);
      expect(workersStarted(listener.stderr()).fromCode).toBe(1);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
    expect(listener.stderr()).not.toMatch(/checking thread stopped/);
    expect(listener.stderr()).toMatch(/POST \/pie pie application valid → 200\n/);
  });
});

describe("the keychain from the standalone executable", () => {
  let store: SecretService | undefined;
  afterAll(() => store?.stop());

  it("loads the native addon it carries: a store that is not there is named, not a missing binding", () => {
    const env = exeEnv();
    const made = run(["config", "init", "--profile", "kc", "--key", KEY, "--secret-stdin", "--store", "keychain"], {
      env,
      input: SECRET,
    });
    expect(made.code).toBe(2);
    expect(made.stderr).toContain("no credential store answered");
    expect(made.stderr).not.toContain("could not load");
    // The addon's private copy is gone again.
    expect(readdirSync(env.TMPDIR as string)).toEqual([]);
  });

  it("keeps a profile's secret in a real Secret Service and signs with it", async () => {
    store = await startSecretService();
    const env = exeEnv({ DBUS_SESSION_BUS_ADDRESS: store.address });
    const made = run(["config", "init", "--profile", "kc", "--key", KEY, "--secret-stdin", "--store", "keychain"], {
      env,
      input: SECRET,
    });
    expect(made.code).toBe(0);
    expect(made.stderr).toContain("(secret in the keychain)");
    const held = store.secretTool("lookup", "service", "sinch-ticket", "username", "kc");
    expect(held.stdout).toBe(SECRET);
    const created = NOW.toISOString();
    const fromStore = run(["sign", "--no-input", "--created", created, "--profile", "kc", "alice"], { env });
    const fromFlags = run(["sign", "--no-input", "--created", created, "--key", KEY, "--secret-stdin", "alice"], {
      input: SECRET,
    });
    expect(fromStore.code).toBe(0);
    expect(fromStore.stdout).toBe(fromFlags.stdout);
    expect(fromStore.stdout + fromStore.stderr).not.toContain(SECRET);
  });
});
