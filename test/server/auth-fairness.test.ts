/**
 * `serve`'s promises between addresses, answered in-process with a stand-in hasher that
 * holds each password check until the test ends it: what is asserted is how many checks
 * ran, and in which order, never how long anything took.
 */
import { request as httpRequest } from "node:http";
import bcrypt from "bcryptjs";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { CutShort } from "../../src/server/app.js";
import { AUTH_PATH, type AuthLimits, createAuthServer, type Hasher } from "../../src/server/auth.js";
import { parseHtpasswd, type Users } from "../../src/server/htpasswd.js";
import { until } from "../helpers/wait.js";

const RIGHT = "right";

/** A password check the test ends, in the order the checks started. */
interface Check {
  password: string;
  hash: string;
  resolve: (ok: boolean) => void;
  reject: (error: unknown) => void;
}

/** Holds every check until `finishOne` ends the oldest; `close` cuts the rest short, as the pool does. */
class HeldHasher implements Hasher {
  readonly started: Check[] = [];
  readonly held: Check[] = [];
  compare(password: string, hash: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const check = { password, hash, resolve, reject };
      this.started.push(check);
      this.held.push(check);
    });
  }
  /** Ends the oldest check still held: right for the password "right". */
  finishOne(): void {
    const check = this.held.shift();
    check?.resolve(check.password === RIGHT);
  }
  async close(): Promise<void> {
    for (const check of this.held.splice(0)) check.reject(new CutShort());
  }
}

const users = parseHtpasswd(`alice:${bcrypt.hashSync(RIGHT, 4)}\nbob:${bcrypt.hashSync(RIGHT, 4)}\n`, "users");

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function server(
  hasher: Hasher,
  limits: Partial<AuthLimits> = {},
  more: { log?: (lines: string) => void; users?: () => Users | null } = {},
): Promise<FastifyInstance> {
  app = await createAuthServer({
    users: more.users ?? (() => users),
    sign: (username) => ({ userTicket: `ticket-for-${username}` }),
    cors: [],
    log: more.log ?? (() => {}),
    bcryptWorker: null,
    hasher,
    limits: { checksAtOnce: 1, ...limits },
  });
  return app;
}

function login(s: FastifyInstance, address: string, username: string, password: string) {
  const options: InjectOptions = {
    method: "POST",
    url: `${AUTH_PATH}?username=${encodeURIComponent(username)}&password=${encodeURIComponent(password)}`,
    remoteAddress: address,
  };
  return s.inject(options);
}

/** Lets the server's promise chains run until `condition` holds. */
const settle = (condition: () => boolean) => until(condition, condition.toString(), 1);

/** Ends held checks one at a time until every answer is in. */
async function finishAll(hasher: HeldHasher, answers: Promise<LightMyRequestResponse>[]) {
  let done = false;
  const all = Promise.all(answers).then((a) => {
    done = true;
    return a;
  });
  while (!done) {
    hasher.finishOne();
    await new Promise((r) => setTimeout(r, 1));
  }
  return all;
}

describe("one address cannot hold up another's logins", () => {
  it("300 wrong logins from one address: another address's login waits for at most one check", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher);
    const flood = Array.from({ length: 300 }, (_, i) => login(s, "127.0.0.1", `user${i}`, "wrong"));
    await settle(() => hasher.started.length === 1);
    const other = login(s, "127.0.0.9", "alice", RIGHT);
    const answers = await finishAll(hasher, [...flood, other]);
    const order = hasher.started.map((c) => c.password);
    // The flood's first check was running when the login came; it goes next.
    expect(order.indexOf(RIGHT)).toBe(1);
    expect(answers.at(-1)?.statusCode).toBe(200);
    // 8 of the 300 waited their turn and were checked; the others were refused unchecked.
    const statuses = answers.slice(0, 300).map((a) => a.statusCode);
    expect(statuses.filter((x) => x === 403)).toHaveLength(8);
    expect(statuses.filter((x) => x === 429)).toHaveLength(292);
    expect(hasher.started).toHaveLength(9);
    const refused = answers.find((a) => a.statusCode === 429);
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused?.json()).toEqual({ error: expect.any(String) });
  });

  it("serves the addresses' queues in turn", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher);
    const a = Array.from({ length: 4 }, (_, i) => login(s, "10.0.0.1", `a${i}`, "wrong-a"));
    await settle(() => hasher.started.length === 1);
    const b = Array.from({ length: 3 }, (_, i) => login(s, "10.0.0.2", `b${i}`, "wrong-b"));
    const c = Array.from({ length: 2 }, (_, i) => login(s, "10.0.0.3", `c${i}`, "wrong-c"));
    await finishAll(hasher, [...a, ...b, ...c]);
    expect(hasher.started.map((x) => x.password.slice(-1))).toEqual(["a", "b", "c", "a", "b", "c", "a", "b", "a"]);
  });

  it("queues at most 8 logins per address, a /64 counting as one IPv6 address; a 9th is 429 unchecked", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher);
    const same64 = [
      ...Array.from({ length: 5 }, (_, i) => login(s, "2001:db8:1:2::1", `x${i}`, "wrong")),
      ...Array.from({ length: 4 }, (_, i) => login(s, "2001:db8:1:2:ffff::9", `y${i}`, "wrong")),
    ];
    const elsewhere = login(s, "2001:db8:1:3::1", "alice", RIGHT);
    const answers = await finishAll(hasher, [...same64, elsewhere]);
    expect(answers.map((a) => a.statusCode)).toEqual([403, 403, 403, 403, 403, 403, 403, 403, 429, 200]);
    expect(hasher.started).toHaveLength(9);
  });

  it("takes a smaller queue when given one", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher, { queuedPerAddress: 2 });
    const answers = await finishAll(
      hasher,
      Array.from({ length: 3 }, (_, i) => login(s, "10.0.0.1", `n${i}`, "wrong")),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([403, 403, 429]);
    expect(hasher.started).toHaveLength(2);
  });
});

describe("the failure table's share per address", () => {
  it("past its share an address gets 429 for new names, never another address", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher, { pairsPerAddress: 10 });
    for (let i = 0; i < 10; i++) {
      const [r] = await finishAll(hasher, [login(s, "10.0.0.1", `n${i}`, "wrong")]);
      expect(r?.statusCode).toBe(403);
    }
    const [newName] = await finishAll(hasher, [login(s, "10.0.0.1", "n10", "wrong")]);
    expect(newName?.statusCode).toBe(429);
    expect(Number(newName?.headers["retry-after"])).toBeGreaterThan(0);
    expect(hasher.started).toHaveLength(10);
    // A name it already has in the table is still judged; another address is untouched.
    const [known] = await finishAll(hasher, [login(s, "10.0.0.1", "n3", "wrong")]);
    expect(known?.statusCode).toBe(403);
    const others = await finishAll(hasher, [
      login(s, "10.0.0.2", "n10", "wrong"),
      login(s, "10.0.0.2", "alice", RIGHT),
    ]);
    expect(others.map((a) => a.statusCode)).toEqual([403, 200]);
  });

  it("a right login leaves nothing in the table", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher, { pairsPerAddress: 2 });
    for (let i = 0; i < 5; i++) {
      const answers = await finishAll(hasher, [
        login(s, "10.0.0.1", "alice", RIGHT),
        login(s, "10.0.0.1", "bob", RIGHT),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    }
  });
});

describe("spraying one password over many names", () => {
  it("more than 20 names failing from one address is 429 for that address; right logins never count", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher);
    for (let i = 0; i < 20; i++) {
      const answers = await finishAll(hasher, [
        login(s, "10.0.0.1", `sprayed${i}`, "Summer2026!"),
        login(s, "10.0.0.1", "alice", RIGHT),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([403, 200]);
    }
    const checked = hasher.started.length;
    const [next, right] = await finishAll(hasher, [
      login(s, "10.0.0.1", "sprayed20", "Summer2026!"),
      login(s, "10.0.0.1", "alice", RIGHT),
    ]);
    expect(next?.statusCode).toBe(429);
    expect(right?.statusCode).toBe(429);
    expect(Number(next?.headers["retry-after"])).toBeGreaterThan(60);
    expect(hasher.started).toHaveLength(checked);
    const [elsewhere] = await finishAll(hasher, [login(s, "10.0.0.2", "alice", RIGHT)]);
    expect(elsewhere?.statusCode).toBe(200);
  });

  it("takes a smaller limit when given one", async () => {
    const hasher = new HeldHasher();
    const s = await server(hasher, { namesFailingPerAddress: 2 });
    const answers = [];
    for (const name of ["p", "q", "r"]) answers.push(...(await finishAll(hasher, [login(s, "10.0.0.1", name, "x")])));
    expect(answers.map((a) => a.statusCode)).toEqual([403, 403, 429]);
  });
});

describe("mixed bcrypt costs", () => {
  it("checks an unknown user against a hash of the file's highest cost", async () => {
    const hasher = new HeldHasher();
    const mixed = parseHtpasswd(`alice:${bcrypt.hashSync(RIGHT, 4)}\nbob:${bcrypt.hashSync(RIGHT, 6)}\n`, "users");
    expect(mixed.weaker).toEqual([{ user: "alice", cost: 4 }]);
    const s = await server(hasher, {}, { users: () => mixed });
    await finishAll(hasher, [login(s, "10.0.0.1", "nobody", "x")]);
    expect(hasher.started[0]?.hash).toMatch(/^\$2[aby]\$06\$/);
  });

  it("lists no weaker users when all share one cost", () => {
    expect(users.weaker).toEqual([]);
  });
});

describe("bcrypt's 72 bytes", () => {
  it("a password longer than 72 bytes logs in with any suffix past the 72nd byte (bcrypt reads no more)", async () => {
    const long = "p".repeat(72);
    const hashed = parseHtpasswd(`carol:${bcrypt.hashSync(`${long}-the-rest`, 4)}\n`, "users");
    app = await createAuthServer({
      users: () => hashed,
      sign: (username) => ({ userTicket: username }),
      cors: [],
      log: () => {},
      bcryptWorker: null,
    });
    expect((await login(app, "10.0.0.1", "carol", `${long}-the-rest`)).statusCode).toBe(200);
    expect((await login(app, "10.0.0.1", "carol", `${long}-anything`)).statusCode).toBe(200);
    expect((await login(app, "10.0.0.1", "carol", "p".repeat(71))).statusCode).toBe(403);
  });
});

describe("whatever one request throws answers that request", () => {
  it("answers 500 in the one error shape, logs it, and goes on", async () => {
    const lines: string[] = [];
    let calls = 0;
    const throwing: Hasher = {
      compare: (password) => {
        calls++;
        if (password === "sync") throw new TypeError("a bug");
        if (password === "nothing") return Promise.reject(undefined);
        return Promise.resolve(password === RIGHT);
      },
      close: async () => {},
    };
    const s = await server(throwing, {}, { log: (l) => lines.push(l) });
    for (const password of ["sync", "nothing"]) {
      const r = await login(s, "10.0.0.1", "alice", password);
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ error: "internal error" });
    }
    expect((await login(s, "10.0.0.1", "alice", RIGHT)).statusCode).toBe(200);
    expect(calls).toBe(3);
    await settle(() => lines.join("").split("\n").length > 3);
    expect(lines.join("").match(/ POST \/api\/auth 500 /g)).toHaveLength(2);
  });

  it("a log that cannot be written does not stop the server", async () => {
    const hasher = new HeldHasher();
    let writes = 0;
    const s = await server(
      hasher,
      {},
      {
        log: () => {
          writes++;
          throw new Error("EPIPE");
        },
      },
    );
    const [r] = await finishAll(hasher, [login(s, "10.0.0.1", "alice", RIGHT)]);
    expect(r?.statusCode).toBe(200);
    await settle(() => writes === 1);
    expect((await s.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    await settle(() => writes === 2);
  });
});

describe("shutdown", () => {
  /** One login over a real socket, left waiting in the hasher; resolves with what the client got. */
  async function loginInFlight(hasher: HeldHasher, lines: string[]) {
    const s = await server(hasher, {}, { log: (l) => lines.push(l) });
    await s.listen({ host: "127.0.0.1", port: 0 });
    const { port } = s.server.address() as { port: number };
    const got = new Promise<string>((resolve) => {
      const req = httpRequest({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `${AUTH_PATH}?username=alice&password=x`,
      });
      req.on("response", (res) => resolve(String(res.statusCode)));
      req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      req.end();
    });
    await settle(() => hasher.started.length === 1);
    return { s, got };
  }

  it("logs a login reset at the drain limit as a reset, not as 503", async () => {
    const hasher = new HeldHasher();
    const lines: string[] = [];
    const { s, got } = await loginInFlight(hasher, lines);
    const closed = s.close();
    // What the drain limit does: every connection still open is reset.
    s.server.closeAllConnections();
    expect(await got).toBe("ECONNRESET");
    await closed;
    app = null;
    await settle(() => lines.length > 0);
    const log = lines.join("");
    expect(log).toMatch(
      / POST \/api\/auth reset [\d.]+ms \(cut short by shutdown: connection reset, no answer sent\)\n$/,
    );
    expect(log).not.toMatch(/ 503 /);
  });

  it("logs a login whose client left before the answer as closed, with no status", async () => {
    const hasher = new HeldHasher();
    const lines: string[] = [];
    const s = await server(hasher, {}, { log: (l) => lines.push(l) });
    await s.listen({ host: "127.0.0.1", port: 0 });
    const { port } = s.server.address() as { port: number };
    let closed = 0;
    s.server.on("connection", (socket) => socket.on("close", () => closed++));
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: `${AUTH_PATH}?username=alice&password=x`,
    });
    req.on("error", () => {});
    req.end();
    await settle(() => hasher.started.length === 1);
    req.destroy();
    await settle(() => closed === 1);
    hasher.finishOne();
    await settle(() => lines.length > 0);
    expect(lines.join("")).toMatch(
      / POST \/api\/auth closed [\d.]+ms \(the client closed the connection, no answer sent\)\n$/,
    );
  });

  it("logs a login answered 503 at shutdown as 503", async () => {
    const hasher = new HeldHasher();
    const lines: string[] = [];
    const { s, got } = await loginInFlight(hasher, lines);
    await hasher.close();
    expect(await got).toBe("503");
    await settle(() => lines.length > 0);
    expect(lines.join("")).toMatch(/ POST \/api\/auth 503 [\d.]+ms \(cut short by shutdown\)\n$/);
    await s.close();
    app = null;
  });
});
