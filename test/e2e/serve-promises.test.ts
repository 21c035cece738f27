import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, requireBuild } from "../helpers/bin.js";
import { KEY, SECRET } from "../helpers/constants.js";
import { post, type RunningServer, startServer } from "../helpers/serve.js";
import { until } from "../helpers/wait.js";

/**
 * The promises of `serve` that only show under pressure: the failed-login limit under
 * concurrency and against many other usernames, cross-site requests, slow clients, the
 * access log's times, shutdown in the middle of a login, and the one error shape.
 */
const creds = { SINCH_APPLICATION_KEY: KEY, SINCH_APPLICATION_SECRET: SECRET };
const PASSWORD = "correct horse battery staple";

let dir: string;
const running: RunningServer[] = [];

function usersFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(""));
  return path;
}

async function start(args: string[]): Promise<RunningServer> {
  const server = await startServer(["--port", "0", ...args], cleanEnv(creds), dir);
  running.push(server);
  return server;
}

/** An agent with many sockets, so that requests really are in flight together. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function login(
  base: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(
    `/api/auth?username=${encodeURIComponent(username)}&password=${encodeURIComponent(password)}`,
    base,
  );
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: "POST", agent, headers, ...(localAddress ? { localAddress } : {}) },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Runs `count` jobs with at most `width` at a time. */
async function pool<T>(count: number, width: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}

/** Access-log lines of the server's stderr (time, method, path, status, ms). */
const logLines = (server: RunningServer) =>
  server
    .stderr()
    .split("\n")
    .filter((l) => /^\d{4}-\d\d-\d\dT\S+Z /.test(l));

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), "st-serve-promises-"));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => (s.child.exitCode === null ? s.stop("SIGKILL") : s.exited)));
});

describe("serve: the failed-login limit", () => {
  it("counts attempts in flight: 1,000 parallel guesses for one user check at most 5 passwords", async () => {
    const file = usersFile("parallel.htpasswd", [`alice:${bcrypt.hashSync(PASSWORD, 8)}`]);
    const server = await start(["--htpasswd", file]);
    // The right password is among the guesses: it must not get through once 5 are used.
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => login(server.url, "alice", i === 80 ? PASSWORD : `guess-${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    const checked = statuses.filter((s) => s === 403 || s === 200).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1000 - checked);
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(Number(a.headers["retry-after"])).toBeGreaterThan(0);
      expect(JSON.parse(a.body)).toEqual({ error: expect.any(String) });
    }
    // The log has a line for each, and as many 403s as passwords were checked.
    await waitFor(() => logLines(server).length >= 1000);
    expect(logLines(server).filter((l) => / 403 /.test(l))).toHaveLength(statuses.filter((s) => s === 403).length);
  }, 60_000);

  it("a good login does not use up an attempt, even twenty at once", async () => {
    const file = usersFile("good.htpasswd", [`alice:${bcrypt.hashSync(PASSWORD, 6)}`]);
    const server = await start(["--htpasswd", file]);
    const together = await Promise.all(Array.from({ length: 20 }, () => login(server.url, "alice", PASSWORD)));
    expect(together.map((r) => r.status)).toEqual(new Array(20).fill(200));
    for (let i = 0; i < 5; i++) expect((await login(server.url, "alice", `wrong-${i}`)).status).toBe(403);
    expect((await login(server.url, "alice", PASSWORD)).status).toBe(429);
  });

  it("a lock survives 6,000 other usernames failing meanwhile", async () => {
    const file = usersFile("evict.htpasswd", [`alice:${bcrypt.hashSync(PASSWORD, 4)}`]);
    const server = await start(["--htpasswd", file]);
    for (let i = 0; i < 5; i++) expect((await login(server.url, "alice", `wrong-${i}`)).status).toBe(403);
    expect((await login(server.url, "alice", PASSWORD)).status).toBe(429);
    // From 300 other loopback addresses, 20 names each: as many as one address may fail.
    const from = (i: number) => `127.1.${Math.floor((i % 300) / 250)}.${((i % 300) % 250) + 1}`;
    const others = await pool(6000, 64, (i) =>
      login(server.url, `user${i}`, "wrong", {}, from(i)).then((r) => r.status),
    );
    expect(others.filter((s) => s !== 403)).toEqual([]);
    const after = await login(server.url, "alice", PASSWORD);
    expect(after.status).toBe(429);
    expect(Number(after.headers["retry-after"])).toBeGreaterThan(0);
  }, 120_000);
});

describe("serve --cors: no cross-site lockout", () => {
  const allowed = "http://localhost:5173";

  it("refuses a POST from another origin with 403 before any password is checked, and counts nothing", async () => {
    const file = usersFile("cors.htpasswd", [`alice:${bcrypt.hashSync(PASSWORD, 4)}`]);
    const server = await start(["--htpasswd", file, "--cors", allowed]);
    for (let i = 0; i < 10; i++) {
      const r = await login(server.url, "alice", `wrong-${i}`, { origin: "http://evil.example" });
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body).error).toMatch(/origin/);
    }
    // The right password from that origin is refused too: the password decided nothing.
    const right = await login(server.url, "alice", PASSWORD, { origin: "http://evil.example" });
    expect(right.status).toBe(403);
    expect(right.body).not.toContain("userTicket");
    expect((await login(server.url, "alice", PASSWORD, { origin: "null" })).status).toBe(403);
    // Alice is not locked out: from the allowed origin, and with no Origin (curl, a test).
    expect((await login(server.url, "alice", PASSWORD, { origin: allowed })).status).toBe(200);
    expect((await login(server.url, "alice", PASSWORD)).status).toBe(200);
    expect(logLines(server).filter((l) => / 403 /.test(l))).toHaveLength(12);
  });

  it("answers OPTIONS without Origin with a JSON error, not plain text", async () => {
    const server = await start(["--any-user", "--cors", allowed]);
    const r = await fetch(`${server.url}/api/auth`, { method: "OPTIONS" });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Object.keys((await r.json()) as object)).toEqual(["error"]);
  });
});

/** A raw connection: what was sent, what came back, and whether the server closed it. */
interface Raw {
  socket: Socket;
  sent: number;
  received: string;
  closedByServer: Promise<boolean>;
}

function openRaw(url: string): Promise<Raw> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    const raw: Raw = { socket, sent: 0, received: "", closedByServer: Promise.resolve(false) };
    raw.closedByServer = new Promise((done) => {
      socket.on("end", () => done(true));
      socket.on("close", () => done(!socket.writableEnded || raw.received !== ""));
    });
    socket.on("data", (d: Buffer) => {
      raw.received += d.toString();
    });
    socket.on("error", () => {});
    socket.once("connect", () => resolve(raw));
    socket.once("error", reject);
  });
}

/** Sends `text` one byte a second, starting after `delaySeconds`, until done or closed. */
async function trickle(raw: Raw, text: string, delaySeconds = 0): Promise<void> {
  await sleep(delaySeconds * 1000);
  for (const byte of text) {
    if (raw.socket.destroyed || raw.socket.readableEnded) return;
    raw.socket.write(byte);
    raw.sent++;
    await sleep(1000);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("serve: slow clients", () => {
  it("closes 200 connections trickling a byte a second, and slow bodies, while /healthz answers", async () => {
    const server = await start(["--any-user"]);
    // 30 bytes would take 30 s: the server's 10 s must end every one of them well before.
    const header = "POST /api/auth?username=a&password=b HTTP/1.1\r\nHost: x\r\n";
    const body = "POST /api/auth HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n";
    const started = Date.now();
    const headerTricklers = await Promise.all(Array.from({ length: 200 }, () => openRaw(server.url)));
    const bodyTricklers = await Promise.all(Array.from({ length: 20 }, () => openRaw(server.url)));
    // Silent for 9 s, then a byte a second: the 10 s count from the connection opening.
    const lateStarters = await Promise.all(Array.from({ length: 20 }, () => openRaw(server.url)));
    const silent = await openRaw(server.url);
    const idle = await openRaw(server.url);
    idle.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");

    const sending = [
      ...headerTricklers.map((r) => trickle(r, header.slice(0, 30))),
      ...bodyTricklers.map((r) => {
        r.socket.write(body);
        return trickle(r, '{"username":"alice","password":"a slow password......"}'.slice(0, 30));
      }),
      ...lateStarters.map((r) => trickle(r, header.slice(0, 20), 9)),
    ];
    // Meanwhile healthy requests are answered, one after another.
    const health: number[] = [];
    let trickling = true;
    const polling = (async () => {
      while (trickling) {
        health.push((await fetch(`${server.url}/healthz`)).status);
        await sleep(250);
      }
    })();
    const all = [...headerTricklers, ...bodyTricklers, ...lateStarters, silent, idle];
    const closed = await Promise.all(all.map((r) => r.closedByServer));
    const elapsed = Date.now() - started;
    trickling = false;
    await Promise.all([...sending, polling]);
    for (const r of all) r.socket.destroy();

    expect(closed.every(Boolean)).toBe(true);
    // At a byte a second, a connection closed within the contract's 12 s sent at most 12
    // bytes: counted in bytes, a slow test machine only sends fewer.
    expect(Math.max(...headerTricklers.map((r) => r.sent), ...bodyTricklers.map((r) => r.sent))).toBeLessThanOrEqual(
      12,
    );
    expect(Math.max(...lateStarters.map((r) => r.sent))).toBeLessThanOrEqual(3);
    // Those the server could still answer got a 408 in the one JSON shape.
    for (const r of [...headerTricklers, ...bodyTricklers, ...lateStarters, silent]) {
      if (r.received === "") continue;
      expect(r.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(r.received.slice(r.received.indexOf("\r\n\r\n") + 4))).toEqual({ error: expect.any(String) });
    }
    expect(idle.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(health.length).toBeGreaterThan(5);
    expect(health.every((s) => s === 200)).toBe(true);
    expect(logLines(server).filter((l) => / 408 /.test(l)).length).toBeGreaterThanOrEqual(200);
    console.log(`slow clients: all ${all.length} connections closed by the server after ${elapsed} ms`);
  }, 60_000);
});

describe("serve: the access log and errors", () => {
  it("logs the real time a login took", async () => {
    // bcrypt's cost 11 is 128 times the work of cost 4: the logged times must show it,
    // whatever the machine's speed (a constant or a time taken before the check would not).
    const file = usersFile("timed.htpasswd", [
      `quick:${bcrypt.hashSync(PASSWORD, 4)}`,
      `slow:${bcrypt.hashSync(PASSWORD, 11)}`,
    ]);
    const server = await start(["--htpasswd", file]);
    // The first login also starts the bcrypt threads: it is not one of the two compared.
    expect((await login(server.url, "quick", PASSWORD)).status).toBe(200);
    expect((await login(server.url, "quick", PASSWORD)).status).toBe(200);
    expect((await login(server.url, "slow", PASSWORD)).status).toBe(200);
    await waitFor(() => logLines(server).length >= 3);
    const logged = (user: string) =>
      Number(
        / 200 ([\d.]+)ms /.exec(
          logLines(server)
            .filter((l) => l.endsWith(`"${user}"`))
            .at(-1) ?? "",
        )?.[1],
      );
    expect(logged("quick")).toBeGreaterThan(0);
    expect(logged("slow") / logged("quick")).toBeGreaterThan(4);
  });

  it("answers parser errors (400, 431), body limits (413) and CONNECT (405) in the one JSON shape, and logs them", async () => {
    const server = await start(["--any-user"]);
    const send = async (text: string) => {
      const r = await openRaw(server.url);
      r.socket.write(text);
      await r.closedByServer;
      return r.received;
    };
    const answers = [
      [await send("NOT HTTP AT ALL\r\n\r\n"), 400],
      [await send(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`), 431],
      [
        await send(
          `POST /api/auth HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 20000\r\n\r\n${"x".repeat(20000)}`,
        ),
        413,
      ],
      [await send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), 405],
    ] as const;
    for (const [text, status] of answers) {
      expect(text).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(text).toMatch(/content-type: application\/json/i);
      expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).toEqual({ error: expect.any(String) });
    }
    await waitFor(() => logLines(server).length >= 4);
    for (const status of [400, 431, 413, 405]) expect(logLines(server).join("\n")).toMatch(new RegExp(` ${status} `));
    expect(logLines(server).join("\n")).toMatch(/ CONNECT example\.com:443 405 /);
  });
});

describe("serve: shutdown", () => {
  it("logs a login cut short by SIGTERM as cut short, never as 403", async () => {
    // A bcrypt entry of cost 18: a check takes far longer than the few seconds of drain.
    const slow = `$2b$18$${bcrypt.encodeBase64([...randomBytes(16)], 16)}${bcrypt.encodeBase64([...randomBytes(23)], 23)}`;
    const file = usersFile("slow.htpasswd", [`alice:${slow}`]);
    const server = await start(["--htpasswd", file]);
    const answer = post(`${server.url}/api/auth?username=alice&password=anything`).catch(() => null);
    await sleep(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    // What the log says is what the client got: a 503, or (at the drain limit) a reset.
    const r = await answer;
    const lines = logLines(server).join("\n");
    expect(lines).not.toMatch(/ 403 /);
    if (r) {
      expect(r.status).toBe(503);
      expect(lines).toMatch(/POST \/api\/auth 503 .*\(cut short by shutdown\)/);
    } else {
      expect(lines).toMatch(/POST \/api\/auth reset .*\(cut short by shutdown: connection reset, no answer sent\)/);
    }
  }, 30_000);
});

const waitFor = (condition: () => boolean) => until(condition);
