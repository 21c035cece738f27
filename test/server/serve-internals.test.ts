import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuthServer } from "../../src/server/auth.js";
import { type Attempt, FailureLimit } from "../../src/server/failure-limit.js";
import { HtpasswdError, parseHtpasswd, type Users } from "../../src/server/htpasswd.js";
import { createInspectServer } from "../../src/server/inspect.js";
import { requireBuild } from "../helpers/bin.js";

// The parts of `serve` and `inspect` that are best seen from inside: the failed-login
// limit's bookkeeping, where bcrypt runs, and the messages of the servers' own errors.

/** The pair limit alone: every address gets the whole table, and no spraying limit. */
const LIMIT = {
  allowed: 5,
  windowMs: 60_000,
  maxEntries: 1000,
  pairsPerAddress: 1000,
  namesFailing: 1000,
  sprayWindowMs: 900_000,
};

describe("the failed-login limit", () => {
  it("holds a place from the start of a check; a right password gives it to the next in line", async () => {
    const limit = new FailureLimit({ ...LIMIT, maxEntries: 100, now: () => 0 });
    const first = await Promise.all(Array.from({ length: 5 }, () => limit.attempt("10.0.0.1", "a")));
    expect(first.every((a) => a.allowed)).toBe(true);
    // A sixth waits while five are being checked...
    const got: { sixth?: Attempt } = {};
    const waiting = limit.attempt("10.0.0.1", "a").then((a) => {
      got.sixth = a;
    });
    await Promise.resolve();
    expect(got.sixth).toBeUndefined();
    // ...and goes ahead when one of them was right.
    const [right, ...wrong] = first;
    if (right?.allowed) right.end("right");
    await waiting;
    const sixth = got.sixth;
    expect(sixth).toMatchObject({ allowed: true });
    // Five wrong ones lock the pair: the sixth, still being checked, is the last.
    for (const a of wrong) if (a.allowed) a.end("wrong");
    const seventh = limit.attempt("10.0.0.1", "a");
    if (sixth?.allowed) sixth.end("wrong");
    expect(await seventh).toEqual({ allowed: false, status: 429, reason: "user", retryAfterSeconds: 60 });
  });

  it("refuses every waiting attempt, unchecked, once the failures fill the limit", async () => {
    const limit = new FailureLimit({ ...LIMIT, maxEntries: 100, now: () => 0 });
    const all = Array.from({ length: 50 }, () => limit.attempt("10.0.0.1", "a"));
    const started = await Promise.all(all.slice(0, 5));
    for (const a of started) if (a.allowed) a.end("wrong");
    const rest = await Promise.all(all.slice(5));
    expect(rest.map((a) => a.allowed)).toEqual(new Array(45).fill(false));
  });

  it("never forgets a lock for other keys: when full, new keys are refused until windows end", async () => {
    let now = 0;
    const limit = new FailureLimit({ ...LIMIT, now: () => now });
    for (let i = 0; i < 5; i++) {
      const a = await limit.attempt("10.0.0.1", "locked");
      if (a.allowed) a.end("wrong");
    }
    now = 1000;
    for (let i = 0; i < 999; i++) {
      const a = await limit.attempt("10.0.0.2", `other-${i}`);
      expect(a.allowed).toBe(true);
      if (a.allowed) a.end("wrong");
    }
    expect(await limit.attempt("10.0.0.3", "one-too-many")).toEqual({
      allowed: false,
      status: 503,
      reason: "full",
      retryAfterSeconds: 59,
    });
    expect(await limit.attempt("10.0.0.1", "locked")).toMatchObject({ allowed: false, status: 429 });
    expect(limit.size).toBe(1000);
    // The lock's window ends first, then the others'.
    now = 60_000;
    expect((await limit.attempt("10.0.0.1", "locked")).allowed).toBe(true);
    now = 61_000;
    expect((await limit.attempt("10.0.0.3", "new")).allowed).toBe(true);
    expect(limit.size).toBe(2);
  });
});

describe("the failure table between addresses", () => {
  const failOnce = async (limit: FailureLimit, address: string, name: string) => {
    const a = await limit.attempt(address, name);
    if (a.allowed) a.end("wrong");
    return a;
  };

  it("gives each address a share of pairs; past it, new names are refused for that address only", async () => {
    let now = 0;
    const limit = new FailureLimit({ ...LIMIT, pairsPerAddress: 10, now: () => now });
    for (let i = 0; i < 10; i++) expect((await failOnce(limit, "a", `n${i}`)).allowed).toBe(true);
    expect(await limit.attempt("a", "n10")).toEqual({
      allowed: false,
      status: 429,
      reason: "share",
      retryAfterSeconds: 60,
    });
    expect((await failOnce(limit, "a", "n0")).allowed).toBe(true);
    expect((await failOnce(limit, "b", "n10")).allowed).toBe(true);
    expect(limit.pairsOf("a")).toBe(10);
    expect(limit.size).toBe(11);
    // When the windows end, the share is free again.
    now = 60_000;
    expect((await failOnce(limit, "a", "n10")).allowed).toBe(true);
    expect(limit.pairsOf("a")).toBe(1);
  });

  it("refuses an address once more names than allowed failed from it, until the oldest age out", async () => {
    let now = 0;
    const limit = new FailureLimit({ ...LIMIT, namesFailing: 3, sprayWindowMs: 900_000, now: () => now });
    for (const name of ["p", "q", "r"]) {
      expect((await failOnce(limit, "a", name)).allowed).toBe(true);
      now += 100_000;
    }
    // p failed at 0, q at 100 s, r at 200 s: the address is free again when p ages out.
    expect(await limit.attempt("a", "s")).toEqual({
      allowed: false,
      status: 429,
      reason: "spraying",
      retryAfterSeconds: 600,
    });
    expect((await limit.attempt("b", "s")).allowed).toBe(true);
    now = 900_001;
    expect((await limit.attempt("a", "s")).allowed).toBe(true);
  });

  it("counts only failures: right logins of many names never refuse an address", async () => {
    const limit = new FailureLimit({ ...LIMIT, namesFailing: 3, pairsPerAddress: 3, now: () => 0 });
    for (let i = 0; i < 100; i++) {
      const a = await limit.attempt("a", `user${i}`);
      expect(a.allowed).toBe(true);
      if (a.allowed) a.end("right");
    }
    expect(limit.size).toBe(0);
  });
});

describe("bcrypt only on worker threads", () => {
  const spies: ReturnType<typeof vi.spyOn>[] = [];
  afterEach(() => {
    for (const s of spies.splice(0)) s.mockRestore();
  });

  it("makes the dummy hash for unknown users without bcrypt work on the main thread, at start and after a reload", async () => {
    requireBuild();
    const worker = fileURLToPath(new URL("../../dist/bcrypt-worker.cjs", import.meta.url));
    const entry = (cost: number) => `alice:${bcrypt.hashSync("right", cost)}`;
    let users: Users = parseHtpasswd(entry(5), "users");
    const reloaded = parseHtpasswd(entry(6), "users");
    for (const name of ["hashSync", "hash", "compareSync", "compare"] as const) {
      spies.push(vi.spyOn(bcrypt, name));
    }
    const app = await createAuthServer({
      users: () => users,
      sign: (name) => ({ userTicket: name }),
      cors: [],
      log: () => {},
      bcryptWorker: worker,
    });
    const login = (username: string, password: string) =>
      app.inject({ method: "POST", url: `/api/auth?username=${username}&password=${password}` });
    expect((await login("mallory", "x")).statusCode).toBe(403);
    expect((await login("alice", "right")).statusCode).toBe(200);
    users = reloaded;
    expect((await login("mallory", "y")).statusCode).toBe(403);
    await app.close();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe("messages of the servers' own errors", () => {
  it("names a malformed bcrypt entry without doubling the article", () => {
    expect(() => parseHtpasswd("alice:$2y$10$tooshort\n", "users")).toThrow(HtpasswdError);
    expect(() => parseHtpasswd("alice:$2y$10$tooshort\n", "users")).toThrow(
      "users line 1: user 'alice' has a malformed bcrypt entry; only bcrypt is accepted (create it with htpasswd -B)",
    );
  });

  it("inspect's 415 names only what it accepts (JSON)", async () => {
    const app = await createInspectServer({
      token: "t",
      assets: { html: "", script: "", style: "" },
      profiles: async () => ({}),
      inspect: async () => ({}),
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as { port: number };
    const r = await fetch(`http://127.0.0.1:${port}/api/inspect`, {
      method: "POST",
      headers: { authorization: "Bearer t", "content-type": "application/x-www-form-urlencoded" },
      body: "text=abc",
    });
    await app.close();
    expect(r.status).toBe(415);
    const { error } = (await r.json()) as { error: string };
    expect(error).toBe("unsupported body type: send JSON (application/json)");
  });
});
