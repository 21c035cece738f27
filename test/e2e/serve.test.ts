import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeRegistrationToken, decodeTicket, verifyRegistrationToken, verifyTicket } from "../../src/index.js";
import { cleanEnv, requireBuild, runBin } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { post, type RunningServer, startServer } from "../helpers/serve.js";
import { until } from "../helpers/wait.js";

const creds = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const PASSWORD = "correct horse battery staple";

let dir: string;
let htpasswd: string;
const running: RunningServer[] = [];

function usersFile(name: string, entries: Record<string, string>, cost = 4): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    Object.entries(entries)
      .map(([u, p]) => `${u}:${bcrypt.hashSync(p, cost)}\n`)
      .join(""),
  );
  return path;
}

async function start(args: string[], env: Record<string, string> = cleanEnv(creds)): Promise<RunningServer> {
  const server = await startServer(["--port", "0", ...args], env, dir);
  running.push(server);
  return server;
}

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), "st-serve-"));
  htpasswd = usersFile("users.htpasswd", { alice: PASSWORD, "bob@example.com": "hunter2" });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => (s.child.exitCode === null ? s.stop("SIGKILL") : s.exited)));
});

describe("serve: the tutorial's auth backend", () => {
  it("prints only its URL on stdout, and answers a ticket that verifies and equals `sign --created`", async () => {
    const server = await start(["--htpasswd", htpasswd]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await post(`${server.url}/api/auth?username=alice&password=${encodeURIComponent(PASSWORD)}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Object.keys(r.json)).toEqual(["userTicket"]);
    const ticket = r.json.userTicket as string;
    expect(verifyTicket(ticket, { applicationSecret: SECRET, applicationKey: KEY }).valid).toBe(true);
    const decoded = decodeTicket(ticket);
    expect(decoded.identity).toEqual({ type: "username", endpoint: "alice" });
    const same = runBin(["sign", "alice", "--created", decoded.created], { env: cleanEnv(creds) });
    expect(same.stdout).toBe(`${ticket}\n`);
    expect(runBin(["verify", "--quiet", ticket], { env: cleanEnv(creds) }).code).toBe(0);
    expect(server.stdout()).toBe(`${server.url}\n`);
  });

  it("takes the name and password from the query string, a form or JSON; the path in any case, with a slash", async () => {
    const server = await start(["--htpasswd", htpasswd]);
    const pw = encodeURIComponent(PASSWORD);
    const answers = await Promise.all([
      post(`${server.url}/Api/Auth/?username=alice&password=${pw}`),
      post(`${server.url}/api/auth`, {
        type: "application/x-www-form-urlencoded",
        body: `username=alice&password=${pw}`,
      }),
      post(`${server.url}/api/auth`, {
        type: "application/json",
        body: JSON.stringify({ username: "alice", password: PASSWORD }),
      }),
    ]);
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(decodeTicket(r.json.userTicket as string).identity.endpoint).toBe("alice");
    }
  });

  it("answers every error with its status and a JSON error", async () => {
    const server = await start(["--htpasswd", htpasswd, "--type", "email"]);
    const u = server.url;
    const cases: [Promise<{ status: number; json: Record<string, string> }>, number][] = [
      [post(`${u}/api/auth?username=bob@example.com&password=wrong`), 403],
      [post(`${u}/api/auth?username=nobody@example.com&password=hunter2`), 403],
      [post(`${u}/api/auth?username=bob@example.com`), 400],
      [post(`${u}/api/auth?password=x`), 400],
      [post(`${u}/api/auth?username=not-an-address&password=x`), 400],
      [post(`${u}/api/auth`, { type: "application/json", body: "{not json" }), 400],
      [post(`${u}/api/auth`, { type: "application/json", body: JSON.stringify({ username: 42, password: "x" }) }), 400],
      [post(`${u}/api/auth`, { type: "text/plain", body: "username=a" }), 415],
      [
        post(`${u}/api/auth`, { type: "application/json", body: JSON.stringify({ username: "x".repeat(17 * 1024) }) }),
        413,
      ],
      [
        fetch(`${u}/api/auth`).then(async (r) => ({
          status: r.status,
          json: (await r.json()) as Record<string, string>,
        })),
        405,
      ],
      [
        fetch(`${u}/elsewhere`).then(async (r) => ({
          status: r.status,
          json: (await r.json()) as Record<string, string>,
        })),
        404,
      ],
    ];
    for (const [answer, status] of cases) {
      const r = await answer;
      expect(r.status).toBe(status);
      expect(typeof r.json.error).toBe("string");
    }
    const ok = await post(`${u}/api/auth?username=bob@example.com&password=hunter2`);
    expect(ok.status).toBe(200);
    expect(decodeTicket(ok.json.userTicket as string).identity).toEqual({ type: "email", endpoint: "bob@example.com" });
    const health = await fetch(`${u}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it("answers 429 with Retry-After after 5 failed logins for one user from one address", async () => {
    const server = await start(["--htpasswd", htpasswd]);
    const attempt = (user: string, password: string) =>
      post(`${server.url}/api/auth?username=${user}&password=${encodeURIComponent(password)}`);
    for (let i = 0; i < 5; i++) expect((await attempt("alice", `wrong${i}`)).status).toBe(403);
    const limited = await attempt("alice", PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Another user from the same address is not affected.
    expect((await attempt("bob", "hunter2")).status).toBe(403);
    expect((await attempt("bob@example.com", "hunter2")).status).toBe(200);
  });

  it("signs registration tokens with --format jwt", async () => {
    const server = await start(["--any-user", "--format", "jwt", "--ttl", "1h"]);
    const r = await post(`${server.url}/api/auth?username=carol&password=anything`);
    expect(r.status).toBe(200);
    const token = r.json.token as string;
    expect(decodeRegistrationToken(token).userId).toBe("carol");
    expect(verifyRegistrationToken(token, { applicationSecret: SECRET, applicationKey: KEY }).valid).toBe(true);
    expect(server.stderr()).toMatch(/warning: --any-user/);
  });

  it("answers CORS preflight for the origins given, and sends no CORS headers otherwise", async () => {
    const origin = "http://localhost:5173";
    const withCors = await start(["--htpasswd", htpasswd, "--cors", origin, "--cors", "http://127.0.0.1:3000"]);
    const preflight = await fetch(`${withCors.url}/api/auth`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    const allowed = await post(`${withCors.url}/api/auth?username=alice&password=${encodeURIComponent(PASSWORD)}`, {
      headers: { origin },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(origin);
    const other = await post(`${withCors.url}/api/auth?username=alice&password=x`, {
      headers: { origin: "http://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();

    const without = await start(["--htpasswd", htpasswd]);
    const plain = await post(`${without.url}/api/auth?username=alice&password=${encodeURIComponent(PASSWORD)}`, {
      headers: { origin },
    });
    expect([...plain.headers.keys()].filter((h) => h.startsWith("access-control"))).toEqual([]);
  });

  it("re-reads the htpasswd file on SIGHUP, and keeps the old users when the new file is broken", async () => {
    const file = usersFile("reload.htpasswd", { alice: "one" });
    const server = await start(["--htpasswd", file]);
    expect((await post(`${server.url}/api/auth?username=dave&password=two`)).status).toBe(403);
    usersFile("reload.htpasswd", { alice: "one", dave: "two" });
    server.child.kill("SIGHUP");
    await waitFor(() => /reloaded .*2 users/.test(server.stderr()));
    expect((await post(`${server.url}/api/auth?username=dave&password=two`)).status).toBe(200);
    writeFileSync(file, "alice:{SHA}notbcrypt\n");
    server.child.kill("SIGHUP");
    await waitFor(() => /kept the previous users: .*line 1/.test(server.stderr()));
    expect((await post(`${server.url}/api/auth?username=dave&password=two`)).status).toBe(200);
  });

  it("warns at start and after a reload about users hashed at a lower cost than the file's highest", async () => {
    const path = join(dir, "mixed.htpasswd");
    writeFileSync(path, `alice:${bcrypt.hashSync(PASSWORD, 4)}\nbob:${bcrypt.hashSync("two", 5)}\n`);
    const server = await start(["--htpasswd", "mixed.htpasswd"]);
    await waitFor(() => /warning: .*mixed\.htpasswd/.test(server.stderr()));
    expect(server.stderr()).toMatch(
      /warning: mixed\.htpasswd: "alice" \(cost 4\) hashed at a lower bcrypt cost than the file's highest \(5\): .*timing tells .*re-hash them at cost 5/,
    );
    expect(server.stderr()).not.toMatch(/"bob"/);
    writeFileSync(
      path,
      `alice:${bcrypt.hashSync(PASSWORD, 6)}\nbob:${bcrypt.hashSync("two", 5)}\ncarol:${bcrypt.hashSync("x", 6)}\n`,
    );
    server.child.kill("SIGHUP");
    await waitFor(() => /"bob" \(cost 5\)/.test(server.stderr()));
    expect(server.stderr()).toMatch(
      /reloaded .*3 users\n.*warning: mixed\.htpasswd: "bob" \(cost 5\) hashed at a lower bcrypt cost than the file's highest \(6\)/,
    );
    writeFileSync(path, `alice:${bcrypt.hashSync(PASSWORD, 4)}\n`);
    server.child.kill("SIGHUP");
    await waitFor(() => /reloaded .*1 user\n/.test(server.stderr()));
    expect(server.stderr().match(/lower bcrypt cost/g)).toHaveLength(2);
  });

  it("takes other per-address numbers from its flags, and refuses ones below 1", async () => {
    const login = (base: string, name: string) => post(`${base}/api/auth?username=${name}&password=wrong`);
    const spraying = await start(["--htpasswd", htpasswd, "--failing-names", "2"]);
    const sprayed = [await login(spraying.url, "p"), await login(spraying.url, "q"), await login(spraying.url, "r")];
    expect(sprayed.map((r) => r.status)).toEqual([403, 403, 429]);
    expect(Number(sprayed[2]?.headers.get("retry-after"))).toBeGreaterThan(60);
    const shared = await start(["--htpasswd", htpasswd, "--names-per-address", "1"]);
    const names = [await login(shared.url, "p"), await login(shared.url, "q"), await login(shared.url, "p")];
    expect(names.map((r) => r.status)).toEqual([403, 429, 403]);
    for (const flag of ["--queue-per-address", "--names-per-address", "--failing-names"]) {
      const r = runBin(["serve", "--any-user", flag, "0"], { env: cleanEnv(creds) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(flag);
    }
  });

  it("finishes a request in flight on SIGTERM, then exits 0", async () => {
    const slow = usersFile("slow.htpasswd", { alice: PASSWORD }, 10);
    const server = await start(["--htpasswd", slow]);
    const answer = post(`${server.url}/api/auth?username=alice&password=${encodeURIComponent(PASSWORD)}`);
    // A request answered after the login was sent: the server has the login by then.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    server.child.kill("SIGTERM");
    const r = await answer;
    expect(r.status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/SIGTERM: finishing requests in flight/);
  });

  it("exits 0 on SIGINT", async () => {
    const server = await start(["--any-user"]);
    expect(await server.stop("SIGINT")).toBe(0);
  });
});

describe("serve refuses to start, exit 2, one line", () => {
  it.each([
    [[], /needs --htpasswd <file> .* or --any-user/],
    [["--htpasswd", "/nonexistent/users"], /cannot read htpasswd file \/nonexistent\/users \(ENOENT\)/],
    [["--htpasswd", "x", "--any-user"], /cannot be used with option '--any-user'/],
    [["--any-user", "--port", "70000"], /Expected a port number/],
    [
      ["--any-user", "--format", "jwt", "--expires-in", "1h"],
      /--expires-in is for user tickets; it does not go with --format jwt/,
    ],
    [["--any-user", "--format", "jwt", "--style", "dotnet"], /--style is for user tickets/],
    [["--any-user", "--ttl", "1h"], /--ttl goes with --format jwt/],
  ])("%j", (args, message) => {
    const r = runBin(["serve", ...args], { env: cleanEnv(creds) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("names the line of an entry that is not bcrypt", () => {
    const file = join(dir, "md5.htpasswd");
    writeFileSync(file, `alice:${bcrypt.hashSync("x", 4)}\n# comment\nbob:$apr1$abcdefgh$0123456789abcdefghijkl\n`);
    const r = runBin(["serve", "--htpasswd", file], { env: cleanEnv(creds) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 3: user 'bob' has a MD5 \(\$apr1\$, htpasswd -m\) entry; only bcrypt/);
    expect(r.stderr).not.toContain("0123456789abcdefghijkl");
  });

  it("when its port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = runBin(["serve", "--any-user", "--port", String(port)], { env: cleanEnv(creds) });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`port ${port} on 127.0.0.1 is in use`));
    } finally {
      blocker.close();
    }
  });

  it("accepts a file written by Apache's own htpasswd -B", async () => {
    if (spawnSync("sh", ["-c", "command -v htpasswd"]).status !== 0) {
      if (process.env.CI) throw new Error("CI must install apache2-utils (htpasswd)");
      return;
    }
    const file = join(dir, "apache.htpasswd");
    expect(spawnSync("htpasswd", ["-B", "-b", "-c", file, "erin", "s3cret pass"]).status).toBe(0);
    chmodSync(file, 0o600);
    const server = await start(["--htpasswd", file]);
    expect((await post(`${server.url}/api/auth?username=erin&password=s3cret%20pass`)).status).toBe(200);
    expect((await post(`${server.url}/api/auth?username=erin&password=wrong`)).status).toBe(403);
  });
});

describe("serve keeps secrets out of its output", () => {
  it("never prints a password, the secret or a ticket, in a session of good and bad logins", async () => {
    const server = await start(["--htpasswd", htpasswd, "--cors", "http://localhost:5173"]);
    const tickets: string[] = [];
    const pw = encodeURIComponent(PASSWORD);
    for (const url of [
      `${server.url}/api/auth?username=alice&password=${pw}`,
      `${server.url}/api/auth?username=alice&password=wrong-password-1`,
      `${server.url}/api/auth?username=mallory&password=${pw}`,
      `${server.url}/api/auth/x?username=alice&password=${pw}`,
    ]) {
      const r = await post(url);
      if (r.json.userTicket) tickets.push(r.json.userTicket);
    }
    const form = await post(`${server.url}/api/auth`, {
      type: "application/x-www-form-urlencoded",
      body: `username=bob%40example.com&password=hunter2`,
    });
    tickets.push(form.json.userTicket as string);
    expect(await server.stop()).toBe(0);
    const output = server.stdout() + server.stderr();
    expect(tickets.filter(Boolean)).toHaveLength(2);
    for (const secret of [PASSWORD, pw, "wrong-password-1", "hunter2", SECRET, ...tickets]) {
      expect(output).not.toContain(secret);
    }
    for (const t of tickets) expect(output).not.toContain(t.split(":")[1]);
    // The log does say what happened.
    expect(output).toMatch(/POST \/api\/auth 200 [\d.]+ms "alice"/);
    expect(output).toMatch(/POST \/api\/auth 403 [\d.]+ms\n/);
  });
});

const waitFor = (condition: () => boolean) => until(condition);
